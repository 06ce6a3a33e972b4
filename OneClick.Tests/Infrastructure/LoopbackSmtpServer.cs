using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MimeKit;

namespace OneClick.Tests.Infrastructure;

/// <summary>An e-mail the <see cref="LoopbackSmtpServer"/> took: as parsed by MimeKit, with its envelope and how it came.</summary>
public sealed record ReceivedMail(MimeMessage Message, string MailFrom, IReadOnlyList<string> RcptTo, bool OverTls, string? AuthenticatedUser);

/// <summary>
/// An SMTP server on a loopback port, for the gateway to send its e-mails to: EHLO offers STARTTLS
/// (unless <see cref="OfferStartTls"/> is off) and AUTH PLAIN LOGIN; STARTTLS upgrades with a
/// self-signed certificate made here (<see cref="CertificateSha256"/> to pin it); then AUTH, MAIL,
/// RCPT, DATA and QUIT. With <see cref="ImplicitTls"/> it speaks TLS from the first byte (port 465's way).
/// It records each session's commands (verbs only: never a password) and every e-mail it takes.
/// </summary>
public sealed class LoopbackSmtpServer : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<ReceivedMail> mails = new();
    private readonly ConcurrentQueue<IReadOnlyList<string>> endedSessions = new();
    private TaskCompletionSource changed = NewSignal();

    public LoopbackSmtpServer(bool implicitTls = false)
    {
        ImplicitTls = implicitTls;
        Certificate = SelfSigned();
        CertificateSha256 = Convert.ToHexString(SHA256.HashData(Certificate.RawData));
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public bool ImplicitTls { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate's SHA-256 fingerprint, upper-case hex, as the gateway's pin takes it.</summary>
    public string CertificateSha256 { get; }

    public string User { get; } = "mailer";

    public string Password { get; } = "Loopback-SMTP-secret-7";

    /// <summary>Whether EHLO offers STARTTLS (before TLS); may be changed while the server runs.</summary>
    public bool OfferStartTls { get; set; } = true;

    public IReadOnlyCollection<ReceivedMail> Mails => mails;

    /// <summary>The commands (verbs) of each session that has ended, in the order they ended.</summary>
    public IReadOnlyCollection<IReadOnlyList<string>> EndedSessions => endedSessions;

    /// <summary>The settings that have a gateway send its e-mails here, over STARTTLS (or TLS), authenticated, this certificate pinned.</summary>
    public GatewayFactory Configure(GatewayFactory gateway) => gateway
        .Set("OneClick:Email:SmtpHost", "127.0.0.1")
        .Set("OneClick:Email:SmtpPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Set("OneClick:Email:SmtpSecurity", ImplicitTls ? "Tls" : "StartTls")
        .Set("OneClick:Email:SmtpUser", User)
        .Set("OneClick:Email:SmtpPassword", Password)
        .Set("OneClick:Email:SmtpServerCertificateThumbprint", CertificateSha256)
        .Set("OneClick:Email:SendTimeout", "00:00:10");

    /// <summary>The first e-mail taken that matches, waiting for it (30 s at most).</summary>
    public async Task<ReceivedMail> MailAsync(Func<ReceivedMail, bool>? match = null)
    {
        await UntilAsync(() => mails.Any(match ?? (_ => true)), "the SMTP server takes the e-mail");
        return mails.First(match ?? (_ => true));
    }

    /// <summary>Waits until <paramref name="count"/> sessions have ended (30 s at most).</summary>
    public Task UntilSessionsEndedAsync(int count) => UntilAsync(() => endedSessions.Count >= count, $"{count} SMTP sessions end");

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        Certificate.Dispose();
        stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Checks again each time a session ends or an e-mail comes, until it holds or 30 s have passed.</summary>
    private async Task UntilAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var signal = Volatile.Read(ref changed);
            if (condition())
            {
                return;
            }

            try
            {
                await signal.Task.WaitAsync(Patience - waited.Elapsed);
            }
            catch (Exception ex) when (ex is TimeoutException or ArgumentOutOfRangeException)
            {
                throw new TimeoutException($"Not within {Patience.TotalSeconds:0} s: {what}");
            }
        }
    }

    private void Changed() => Interlocked.Exchange(ref changed, NewSignal()).TrySetResult();

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so that SslStream has the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var verbs = new List<string>();
        try
        {
            using (client)
            {
                await new Session(this, client.GetStream(), verbs).RunAsync(stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up (as MailKit does when the server lacks what it requires), or the test ended.
        }
        finally
        {
            lock (verbs)
            {
                endedSessions.Enqueue([.. verbs]);
            }

            Changed();
        }
    }

    /// <summary>One connection's conversation.</summary>
    private sealed class Session
    {
        private readonly LoopbackSmtpServer server;
        private readonly List<string> verbs;
        private Stream stream;
        private LineReader reader;
        private bool tls;
        private string? user;
        private string? mailFrom;
        private readonly List<string> rcptTo = [];

        public Session(LoopbackSmtpServer server, Stream stream, List<string> verbs)
        {
            this.server = server;
            this.stream = stream;
            this.verbs = verbs;
            reader = new LineReader(stream);
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            if (server.ImplicitTls)
            {
                await StartTlsAsync(cancellationToken);
            }

            await ReplyAsync("220 loopback ESMTP ready", cancellationToken);
            while (await reader.ReadLineAsync(cancellationToken) is { } bytes)
            {
                var line = Encoding.UTF8.GetString(bytes);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                lock (verbs)
                {
                    verbs.Add(verb);
                }

                switch (verb)
                {
                    case "EHLO":
                        var offerStartTls = !tls && server.OfferStartTls;
                        await ReplyAsync($"250-loopback\r\n250-8BITMIME\r\n{(offerStartTls ? "250-STARTTLS\r\n" : "")}250 AUTH PLAIN LOGIN", cancellationToken);
                        break;
                    case "STARTTLS" when !tls && server.OfferStartTls:
                        await ReplyAsync("220 2.0.0 Ready to start TLS", cancellationToken);
                        await StartTlsAsync(cancellationToken);
                        (user, mailFrom) = (null, null);
                        rcptTo.Clear();
                        break;
                    case "AUTH":
                        await AuthenticateAsync(line, cancellationToken);
                        break;
                    case "MAIL" when user is null:
                        await ReplyAsync("530 5.7.0 Authentication required", cancellationToken);
                        break;
                    case "MAIL":
                        mailFrom = Address(line);
                        rcptTo.Clear();
                        await ReplyAsync("250 2.1.0 OK", cancellationToken);
                        break;
                    case "RCPT" when mailFrom is not null:
                        rcptTo.Add(Address(line));
                        await ReplyAsync("250 2.1.5 OK", cancellationToken);
                        break;
                    case "DATA" when rcptTo.Count > 0:
                        await ReplyAsync("354 End data with <CR><LF>.<CR><LF>", cancellationToken);
                        var message = await MimeMessage.LoadAsync(await ReadDataAsync(cancellationToken), cancellationToken);
                        server.mails.Enqueue(new ReceivedMail(message, mailFrom!, [.. rcptTo], tls, user));
                        server.Changed();
                        mailFrom = null;
                        rcptTo.Clear();
                        await ReplyAsync("250 2.0.0 Queued", cancellationToken);
                        break;
                    case "RSET":
                        mailFrom = null;
                        rcptTo.Clear();
                        await ReplyAsync("250 2.0.0 OK", cancellationToken);
                        break;
                    case "QUIT":
                        await ReplyAsync("221 2.0.0 Bye", cancellationToken);
                        return;
                    default:
                        await ReplyAsync("503 5.5.1 Not now", cancellationToken);
                        break;
                }
            }
        }

        private async Task StartTlsAsync(CancellationToken cancellationToken)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = server.Certificate }, cancellationToken);
            stream = ssl;
            reader = new LineReader(ssl); // nothing the client sent in clear is carried over
            tls = true;
        }

        /// <summary>AUTH PLAIN (with or without its initial response) and AUTH LOGIN.</summary>
        private async Task AuthenticateAsync(string line, CancellationToken cancellationToken)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
            string? name;
            string? password;
            if (mechanism == "PLAIN")
            {
                var response = parts.Length > 2 ? parts[2] : await ChallengeAsync("", cancellationToken);
                var fields = Decode(response).Split('\0');
                (name, password) = fields.Length == 3 ? (fields[1], fields[2]) : (null, null);
            }
            else if (mechanism == "LOGIN")
            {
                name = Decode(parts.Length > 2 ? parts[2] : await ChallengeAsync("Username:", cancellationToken));
                password = Decode(await ChallengeAsync("Password:", cancellationToken));
            }
            else
            {
                await ReplyAsync("504 5.5.4 Unrecognized authentication type", cancellationToken);
                return;
            }

            if (name == server.User && password == server.Password)
            {
                user = name;
                await ReplyAsync("235 2.7.0 Authentication successful", cancellationToken);
                return;
            }

            await ReplyAsync("535 5.7.8 Authentication credentials invalid", cancellationToken);
        }

        private async Task<string> ChallengeAsync(string prompt, CancellationToken cancellationToken)
        {
            await ReplyAsync("334 " + Convert.ToBase64String(Encoding.UTF8.GetBytes(prompt)), cancellationToken);
            return Encoding.ASCII.GetString(await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("The client hung up during AUTH."));
        }

        /// <summary>The message's lines up to the lone dot, a doubled leading dot undone.</summary>
        private async Task<MemoryStream> ReadDataAsync(CancellationToken cancellationToken)
        {
            var data = new MemoryStream();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line is [(byte)'.'])
                {
                    data.Position = 0;
                    return data;
                }

                var start = line is [(byte)'.', ..] ? 1 : 0;
                data.Write(line, start, line.Length - start);
                data.Write("\r\n"u8);
            }

            throw new IOException("The client hung up during DATA.");
        }

        private async Task ReplyAsync(string reply, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        private static string Decode(string base64)
        {
            var bytes = new byte[base64.Length];
            return Convert.TryFromBase64String(base64, bytes, out var length) ? Encoding.UTF8.GetString(bytes, 0, length) : "";
        }

        /// <summary>The address between the angle brackets of MAIL FROM:&lt;…&gt; or RCPT TO:&lt;…&gt;.</summary>
        private static string Address(string line)
        {
            var open = line.IndexOf('<', StringComparison.Ordinal);
            var close = line.IndexOf('>', open + 1);
            return open >= 0 && close > open ? line[(open + 1)..close] : "";
        }
    }

    /// <summary>Reads CRLF-ended lines as bytes (the message may be 8-bit), buffering only what the client sent.</summary>
    private sealed class LineReader(Stream stream)
    {
        private const int MaxLine = 64 * 1024;
        private readonly byte[] buffer = new byte[4096];
        private int start;
        private int end;

        /// <summary>The next line without its line end; null when the client hung up.</summary>
        public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new MemoryStream();
            while (true)
            {
                if (start == end)
                {
                    start = 0;
                    end = await stream.ReadAsync(buffer, cancellationToken);
                    if (end == 0)
                    {
                        return null;
                    }
                }

                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                var stop = newline < 0 ? end : newline;
                line.Write(buffer, start, stop - start);
                start = newline < 0 ? end : newline + 1;
                if (newline >= 0)
                {
                    var bytes = line.ToArray();
                    return bytes is [.., (byte)'\r'] ? bytes[..^1] : bytes;
                }

                if (line.Length > MaxLine)
                {
                    throw new IOException("A line too long for SMTP.");
                }
            }
        }
    }
}
