using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Web.Hosting;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Test-only middleware, outside the gateway's own pipeline: it copies every response body as it is
/// written (to the test client or to a browser on Kestrel) and, once the response is complete, hands
/// it with its final headers to <see cref="CardDataSweep"/>. Nothing of the response changes.
/// </summary>
internal sealed class ResponseRecording(string host) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var services = app.ApplicationServices;
        var secureCookies = services.GetRequiredService<IConfiguration>().SecureCookies(services.GetRequiredService<IWebHostEnvironment>());
        app.Use(async (context, nextMiddleware) =>
        {
            var original = context.Features.Get<IHttpResponseBodyFeature>();
            if (original is null)
            {
                await nextMiddleware(context);
                return;
            }

            var capture = new ResponseCapture();
            var request = context.Request;
            var method = request.Method;
            var pathAndQuery = request.GetEncodedPathAndQuery();
            var https = request.IsHttps;
            context.Response.OnCompleted(() =>
            {
                // Complete: every OnStarting callback (the security headers among them) has run.
                CardDataSweep.Response(host, method, pathAndQuery, context.Response.StatusCode, context.Response.Headers, capture.Bytes, capture.Uncaptured, secureCookies || https);
                capture.Dispose();
                return Task.CompletedTask;
            });
            context.Features.Set<IHttpResponseBodyFeature>(new TeeBodyFeature(original, capture));
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                context.Features.Set(original);
            }
        });
        next(app);
    };

    /// <summary>The body as written, up to 8 MB (the rest only counted), in pooled memory.</summary>
    private sealed class ResponseCapture : IDisposable
    {
        private const int Limit = 8 << 20;
        private readonly Lock gate = new();
        private byte[] buffer = [];
        private int length;

        public long Uncaptured { get; private set; }

        public ReadOnlySpan<byte> Bytes => buffer.AsSpan(0, length);

        public void Append(ReadOnlySpan<byte> data)
        {
            lock (gate)
            {
                var take = Math.Min(data.Length, Limit - length);
                Uncaptured += data.Length - take;
                if (take <= 0)
                {
                    return;
                }

                if (length + take > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(length + take, Math.Max(4096, buffer.Length * 2)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return();
                    buffer = larger;
                }

                data[..take].CopyTo(buffer.AsSpan(length));
                length += take;
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                Return();
                buffer = [];
                length = 0;
            }
        }

        private void Return()
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The server's body feature, with every write (stream, pipe or file) also copied.</summary>
    private sealed class TeeBodyFeature(IHttpResponseBodyFeature inner, ResponseCapture capture) : IHttpResponseBodyFeature
    {
        private TeeStream? stream;
        private TeePipeWriter? writer;

        public Stream Stream => stream ??= new TeeStream(inner.Stream, capture);

        public PipeWriter Writer => writer ??= new TeePipeWriter(inner.Writer, capture);

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

        public Task CompleteAsync() => inner.CompleteAsync();
    }

    private sealed class TeeStream(Stream inner, ResponseCapture capture) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            capture.Append(buffer);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            capture.Append(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }
    }

    private sealed class TeePipeWriter(PipeWriter inner, ResponseCapture capture) : PipeWriter
    {
        private Memory<byte> lent;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => lent = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (lent = inner.GetMemory(sizeHint)).Span;

        public override void Advance(int bytes)
        {
            capture.Append(lent.Span[..bytes]);
            lent = default;
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            capture.Append(source.Span);
            return inner.WriteAsync(source, cancellationToken);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}

/// <summary>
/// The same record for a host reached over the network (<see cref="GatewayProcess"/>, the demo
/// shop): every response the client receives, read whole, headers and body, before the caller sees
/// it. <paramref name="publicText"/> is text the host shows on purpose and is not scanned: the demo
/// shop's footer names the sandbox card of docs/protocol.md section 8 for people trying it.
/// </summary>
public sealed class RecordingHandler(string host, bool secureCookies, HttpMessageHandler inner, string? publicText = null) : DelegatingHandler(inner)
{
    private readonly byte[]? publicBytes = publicText is null ? null : System.Text.Encoding.UTF8.GetBytes(publicText);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!CardDataSweep.Enabled)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (publicBytes is not null && body.AsSpan().IndexOf(publicBytes) is var at and >= 0)
        {
            body = (byte[])body.Clone();
            body.AsSpan(at, publicBytes.Length).Fill((byte)' ');
        }
        var headers = response.Headers.Concat(response.Content.Headers)
            .Select(h => new KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>(h.Key, h.Value.ToArray()));
        var url = request.RequestUri!;
        CardDataSweep.Response(host, request.Method.Method, url.PathAndQuery, (int)response.StatusCode, headers, body, 0, secureCookies || url.Scheme == Uri.UriSchemeHttps);
        return response;
    }
}
