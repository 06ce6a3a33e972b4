using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using OneClick.Core.Notifications;
using OneClick.Core.Postbacks;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Notifications;

/// <summary>
/// Decision 035: the outbox's e-mails go through MailKit to a real SMTP server on a loopback port
/// (<see cref="LoopbackSmtpServer"/>), over STARTTLS, authenticated, the server's self-signed
/// certificate accepted by its pinned fingerprint and by nothing looser. What fails is recorded on
/// the e-mail, which is tried again later, and says what failed without the password.
/// </summary>
public sealed class SmtpMailerTests : IDisposable
{
    private readonly MerchantSite merchant = new();
    private readonly GatewayFactory gateway = new();
    private LoopbackSmtpServer smtp = new();

    public SmtpMailerTests()
    {
        smtp.Configure(gateway)
            .Set("OneClick:Seed:PostbackUrl", merchant.PostbackUrl)
            .Set("OneClick:Postbacks:Timeout", "00:00:05");
    }

    public void Dispose()
    {
        gateway.Dispose();
        merchant.Dispose();
        smtp.Dispose();
    }

    [Fact]
    public async Task Receipt_of_a_purchase_arrives_over_StartTls_authenticated_with_the_pinned_certificate()
    {
        await BuyAsync(email: "jane@example.com");

        var mail = await smtp.MailAsync();
        mail.OverTls.ShouldBeTrue();
        mail.AuthenticatedUser.ShouldBe(smtp.User);
        mail.RcptTo.ShouldBe(["jane@example.com"]);
        mail.MailFrom.ShouldBe("no-reply@oneclick.local");
        mail.Message.To.Mailboxes.Single().Address.ShouldBe("jane@example.com");
        mail.Message.Subject.ShouldBe("Your payment to Demo Credits Shop");
        mail.Message.TextBody.ShouldNotBeNull().ShouldContain("Visa •••• 4242");
        mail.Message.TextBody.ShouldNotContain("4242424242424242");
        await GatewayFactory.EventuallyAsync(async () => (await EmailsAsync()).Single().State == EmailState.Sent, "the receipt is recorded sent");
        gateway.Logs.All.ShouldNotContain(smtp.Password);
    }

    [Fact]
    public async Task Refund_notice_after_a_given_up_postback_arrives_at_the_smtp_server()
    {
        merchant.AnswerPostback = _ => Task.FromResult((200, "Thanks!")); // never OK
        var saleId = await BuyAsync(email: "buyer@example.com");
        var schedule = RetrySchedule.Default.Delays.Count;
        for (var attempt = 1; attempt <= schedule; attempt++)
        {
            await GatewayFactory.EventuallyAsync(async () => (await DeliveryAsync(saleId)).Attempts == attempt, $"attempt {attempt} is recorded");
            gateway.AdvanceAndSweep(RetrySchedule.Default.Delays[attempt - 1]);
        }

        var notice = await smtp.MailAsync(m => m.Message.Subject?.StartsWith("Refund of your payment", StringComparison.Ordinal) == true);

        (await DeliveryAsync(saleId)).State.ShouldBe(PostbackState.GivenUp);
        (await gateway.WithDbAsync(db => db.Refunds.SingleAsync(r => r.SaleId == saleId))).Automatic.ShouldBeTrue();
        notice.OverTls.ShouldBeTrue();
        notice.RcptTo.ShouldBe(["buyer@example.com"]);
        notice.Message.Subject.ShouldBe("Refund of your payment to Demo Credits Shop");
        notice.Message.TextBody.ShouldNotBeNull().ShouldContain("9.99 EUR");
        notice.Message.TextBody.ShouldNotContain("4242424242424242");
    }

    [Fact]
    public async Task Server_without_StartTls_gets_nothing_in_clear_the_email_is_recorded_failed_and_sent_when_tried_again()
    {
        smtp.OfferStartTls = false;
        var emailId = await AddEmailAsync("buyer@example.com", "Receipt", "Thank you");

        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).Attempts == 1, "the first attempt is recorded");

        var failed = await EmailAsync(emailId);
        failed.State.ShouldBe(EmailState.Pending);
        failed.LastError.ShouldBe($"TLS refused: 127.0.0.1:{smtp.Port} does not offer STARTTLS, and nothing is sent in clear (SmtpSecurity is StartTls)");
        failed.NextAttemptAt.ShouldBe(gateway.Clock.GetUtcNow().UtcDateTime.AddMinutes(2), TimeSpan.FromSeconds(15)); // 2 min after the failure
        await smtp.UntilSessionsEndedAsync(1);
        smtp.EndedSessions.Single().ShouldBe(["EHLO"]); // no AUTH, MAIL or DATA in clear
        smtp.Mails.ShouldBeEmpty();
        gateway.Logs.Lines.ShouldContain(l => l.Contains($"E-mail {emailId} failed (TLS refused: no STARTTLS); attempt 1", StringComparison.Ordinal));

        smtp.OfferStartTls = true;
        gateway.Clock.Advance(TimeSpan.FromMinutes(2));

        (await smtp.MailAsync()).OverTls.ShouldBeTrue();
        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).State == EmailState.Sent, "the second attempt is recorded sent");
        (await EmailAsync(emailId)).Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task Wrong_password_is_recorded_as_refused_authentication_without_the_password()
    {
        const string wrong = "Not-the-SMTP-password-42";
        gateway.Set("OneClick:Email:SmtpPassword", wrong);
        var emailId = await AddEmailAsync("buyer@example.com", "Receipt", "Thank you");

        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).Attempts == 1, "the attempt is recorded");

        var email = await EmailAsync(emailId);
        email.State.ShouldBe(EmailState.Pending);
        email.LastError.ShouldNotBeNull().ShouldStartWith($"authentication as {smtp.User} refused by 127.0.0.1:{smtp.Port}: ");
        email.LastError.ShouldContain("5.7.8 Authentication credentials invalid");
        email.LastError.ShouldNotContain(wrong);
        gateway.Logs.All.ShouldNotContain(wrong);
        gateway.Logs.Lines.ShouldContain(l => l.Contains($"E-mail {emailId} failed (authentication refused); attempt 1", StringComparison.Ordinal));
        smtp.Mails.ShouldBeEmpty();
    }

    [Fact]
    public async Task StartTls_when_available_from_a_server_without_it_does_not_send_the_password_in_clear()
    {
        smtp.OfferStartTls = false;
        gateway.Set("OneClick:Email:SmtpSecurity", "StartTlsWhenAvailable");
        var emailId = await AddEmailAsync("buyer@example.com", "Receipt", "Thank you");

        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).Attempts == 1, "the attempt is recorded");

        (await EmailAsync(emailId)).LastError.ShouldBe(
            $"authentication not attempted: 127.0.0.1:{smtp.Port} offers no STARTTLS, and the password is not sent in clear (SmtpSecurity is StartTlsWhenAvailable; only None allows it)");
        await smtp.UntilSessionsEndedAsync(1);
        smtp.EndedSessions.Single().ShouldNotContain("AUTH");
        smtp.Mails.ShouldBeEmpty();
    }

    [Fact]
    public async Task Server_that_is_not_listening_is_recorded_as_a_failed_connect()
    {
        var closed = LoopbackPort.Free();
        gateway.Set("OneClick:Email:SmtpPort", closed.ToString(CultureInfo.InvariantCulture));
        var emailId = await AddEmailAsync("buyer@example.com", "Receipt", "Thank you");

        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).Attempts == 1, "the attempt is recorded");

        var email = await EmailAsync(emailId);
        email.State.ShouldBe(EmailState.Pending);
        email.LastError.ShouldBe($"could not connect to 127.0.0.1:{closed}: ConnectionRefused");
        gateway.Logs.Lines.ShouldContain(l => l.Contains($"E-mail {emailId} failed (connect failed); attempt 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_that_never_answers_is_cut_off_at_the_send_timeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        gateway.Set("OneClick:Email:SmtpPort", port.ToString(CultureInfo.InvariantCulture))
            .Set("OneClick:Email:SendTimeout", "00:00:01");
        var emailId = await AddEmailAsync("buyer@example.com", "Receipt", "Thank you");

        using var connection = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)); // and says nothing
        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).Attempts == 1, "the attempt is recorded");

        var email = await EmailAsync(emailId);
        email.State.ShouldBe(EmailState.Pending);
        email.LastError.ShouldBe($"no answer from 127.0.0.1:{port} within 1 s while connecting");
    }

    [Fact]
    public async Task Self_signed_certificate_that_is_not_pinned_is_refused_with_its_fingerprint()
    {
        gateway.Unset("OneClick:Email:SmtpServerCertificateThumbprint");
        var emailId = await AddEmailAsync("buyer@example.com", "Receipt", "Thank you");

        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).Attempts == 1, "the attempt is recorded");

        var email = await EmailAsync(emailId);
        email.State.ShouldBe(EmailState.Pending);
        email.LastError.ShouldNotBeNull().ShouldStartWith($"TLS with 127.0.0.1:{smtp.Port} failed: its certificate is not trusted (");
        email.LastError.ShouldContain($"SHA-256 fingerprint {smtp.CertificateSha256}");
        smtp.Mails.ShouldBeEmpty();
        await smtp.UntilSessionsEndedAsync(1);
        smtp.EndedSessions.Single().ShouldBe(["EHLO", "STARTTLS"]);
    }

    [Fact]
    public async Task Tls_mode_sends_over_TLS_from_the_first_byte_with_a_UTF8_subject_and_body_intact()
    {
        smtp.Dispose();
        smtp = new LoopbackSmtpServer(implicitTls: true);
        smtp.Configure(gateway);
        const string subject = "Возврат платежа в магазине Müller & Söhne";
        const string body = "Сумма 9,99 € возвращена.\nVisa •••• 4242\n";
        var emailId = await AddEmailAsync("jana@example.com", subject, body);

        var mail = await smtp.MailAsync();

        mail.OverTls.ShouldBeTrue();
        mail.Message.Subject.ShouldBe(subject);
        mail.Message.Headers.First(h => h.Id == HeaderId.Subject).RawValue.ShouldAllBe(b => b < 0x80); // RFC 2047, not raw UTF-8
        mail.Message.TextBody.ShouldNotBeNull().ReplaceLineEndings("\n").ShouldBe(body);
        mail.Message.Body.ShouldBeOfType<TextPart>().ContentType.Charset.ShouldBe("utf-8");
        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(emailId)).State == EmailState.Sent, "the e-mail is recorded sent");
    }

    [Fact]
    public void Gateway_with_the_old_SmtpEnableSsl_setting_refuses_to_start_and_names_its_replacement()
    {
        gateway.Set("OneClick:Email:SmtpEnableSsl", "true");

        var refused = Should.Throw<Exception>(() => gateway.CreateClient());

        refused.ToString().ShouldContain("OneClick:Email:SmtpEnableSsl is no longer read: remove it and set OneClick:Email:SmtpSecurity");
    }

    private async Task<long> BuyAsync(string email)
    {
        var buyer = Buyer.Of(gateway);
        var parameters = Merchant.Purchase();
        parameters["email"] = email;
        var page = await buyer.PayAsync(await buyer.StartAsync(parameters));
        page.Heading.ShouldBe("Payment approved");
        return long.Parse(Merchant.ParseQuery(new Uri(page.RefreshTarget!).Query)["saleID"], CultureInfo.InvariantCulture);
    }

    /// <summary>An e-mail due now, as the product queues one; the gateway's outbox sweep (every second) sends it.</summary>
    private async Task<long> AddEmailAsync(string to, string subject, string body)
    {
        var email = new OutboxEmail(to, subject, body, gateway.Clock.GetUtcNow().UtcDateTime);
        await gateway.WithDbAsync(async db =>
        {
            db.OutboxEmails.Add(email);
            return await db.SaveChangesAsync();
        });
        return email.Id;
    }

    private Task<OutboxEmail> EmailAsync(long id) => gateway.WithDbAsync(db => db.OutboxEmails.AsNoTracking().SingleAsync(e => e.Id == id));

    private Task<List<OutboxEmail>> EmailsAsync() => gateway.WithDbAsync(db => db.OutboxEmails.AsNoTracking().ToListAsync());

    private Task<PostbackDelivery> DeliveryAsync(long saleId) =>
        gateway.WithDbAsync(db => db.PostbackDeliveries.AsNoTracking().SingleAsync(d => d.SaleId == saleId && d.Kind == PostbackKind.Sale));
}
