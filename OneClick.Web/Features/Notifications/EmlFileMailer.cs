using MimeKit;
using OneClick.Core.Notifications;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Notifications;

/// <summary>Without an SMTP host (development): each e-mail is written as an .eml file to <c>outbox/</c> in the data folder.</summary>
public sealed class EmlFileMailer(DataDirectory dataDirectory) : IMailTransport
{
    /// <summary>CRLF, as on the wire, whatever the machine.</summary>
    private static readonly FormatOptions Format = CreateFormat();

    public async Task SendAsync(OutboxEmail email, MimeMessage message, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(dataDirectory.PathOf("outbox")).FullName;
        var path = Path.Combine(folder, $"{email.CreatedAt:yyyyMMdd-HHmmss}-{email.Id}.eml");
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        await message.WriteToAsync(Format, file, cancellationToken);
    }

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
