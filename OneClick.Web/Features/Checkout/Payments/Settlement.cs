using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Acquiring;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>
/// The end every payment command shares: asks the acquirer about a sale already saved as pending, and
/// saves its answer in one write turn with all that follows from it (decision 013's second commit).
/// Used by the payment commands only, in their scope and unit of work.
/// </summary>
public sealed class Settlement(
    OneClickDbContext db,
    IAcquirer acquirer,
    OutboxSignal outbox,
    OneClickTokens tokens,
    WriteGate gate,
    RowStatements rows,
    IOptions<PostbackOptions> postbacks,
    BuyerEmails emails,
    OneClickMetrics metrics,
    TimeProvider clock,
    ILogger<Settlement> logger)
{
    /// <summary>Asks the acquirer about a sale already saved as pending, and saves its answer.</summary>
    public async Task<PaymentOutcome> AuthorizeAsync(Order order, Shop shop, Sale sale, AuthorizationRequest request, bool instant)
    {
        logger.LogInformation("Order {OrderId}: sale {SaleId} sent to the acquirer for {Card}{Kind}", order.Id, sale.Id, request.Card.Truncated, instant ? " (instant one-click)" : sale.SavedCardId is null ? "" : " (saved card)");
        AuthorizationResult result;
        try
        {
            result = await acquirer.AuthorizeAsync(request, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, nothing was charged that we know of: the sale records the failure and
            // the order opens again, rather than staying "in progress" for ever. Only the exception's
            // type is logged: an acquirer's message is not ours to trust with card data.
            logger.LogWarning("Order {OrderId}: the acquirer failed ({Error})", order.Id, ex.GetType().Name);
            result = new AuthorizationResult.Unavailable(ex.GetType().Name);
        }

        return await ApplyAsync(order, shop, sale, result, CancellationToken.None);
    }

    /// <summary>
    /// Saves the acquirer's answer in one write turn: the sale and the order, the card, the next token
    /// and the end of the card's other tokens, and the merchant's postback.
    /// </summary>
    public async Task<PaymentOutcome> ApplyAsync(Order order, Shop shop, Sale sale, AuthorizationResult result, CancellationToken cancellationToken)
    {
        await using var write = await gate.BeginAsync(db, cancellationToken);
        // The card as it is now, read inside the write turn so that nothing changes it before the
        // commit: the buyer may have deleted it, or the merchant set Deny, while the acquirer answered.
        var paidWith = result is AuthorizationResult.Approved && sale.SavedCardId is { } cardId
            ? await FreshCardAsync(cardId, cancellationToken)
            : null;
        PaymentOutcome outcome;
        PostbackDelivery? postback = null;
        switch (result)
        {
            case AuthorizationResult.Approved approved:
                sale.Approve(approved.TransactionId, Now);
                order.Approve(Now);
                Remember(order, sale, paidWith);
                await SettleContractAsync(order, sale, cancellationToken);
                postback = WriteToOutbox(shop, order, sale);
                outcome = new PaymentOutcome.Approved(sale.Id);
                break;
            case AuthorizationResult.Declined declined:
                if (sale.SavedCardId is { } declinedCard && DeclinePolicy.ConcernsCard(declined.Reason))
                {
                    await DeclineCardAsync(sale, declinedCard, declined.Reason, cancellationToken);
                }

                var declineUrlGiven = order.DeclineUrl is not null || shop.DeclineUrl is not null;
                // Counted only when it can decide: one read fewer for a merchant with a decline URL.
                var earlierAttempts = declineUrlGiven || !DeclinePolicy.CountsAsAttempt(declined.Reason)
                    ? 0
                    : await db.Sales.Where(s => s.OrderId == order.Id).CountAsync(DeclinePolicy.DeclinedAttempt, cancellationToken);
                var close = DeclinePolicy.ClosesOrder(declined.Reason, declineUrlGiven, earlierAttempts);
                await ForgetPendingContractAsync(order, cancellationToken);
                sale.Decline(declined.TransactionId, declined.Reason, Now);
                order.Decline(close, Now);
                outcome = new PaymentOutcome.Declined(sale.Id, declined.Reason, close);
                break;
            case AuthorizationResult.ChallengeRequired challenge:
                sale.AwaitAuthentication(challenge.TransactionId, Now);
                order.RequireAuthentication(Now);
                outcome = new PaymentOutcome.ChallengeRequired();
                break;
            default:
                if (sale.SavedCardId is { } failedCard && await FreshCardAsync(failedCard, cancellationToken) is { SuccessfulPayments: 0 } neverPaid
                    && !await OtherPaymentsPendingAsync(failedCard, sale.Id, cancellationToken))
                {
                    // A card remembered for a payment that never happened is not kept.
                    neverPaid.Delete(Now);
                }

                await ForgetPendingContractAsync(order, cancellationToken);
                sale.Fail(Now);
                order.Reopen(Now);
                outcome = new PaymentOutcome.Unavailable();
                break;
        }

        await rows.SaveAsync(db, cancellationToken); // kept statements: this turn is in every payment
        if (sale.SavedCardId is { } usedCard && sale.Result == SaleResult.Approved)
        {
            // One live token per card, shop and browser: the one this approval issued. Tokens the card
            // holds at other shops of its union, or in other browsers, are not this sale's to end. In the
            // same transaction as the approval: a crash cannot leave two live tokens.
            await tokens.RevokeForCardAsync(usedCard, exceptIssuedBySale: sale.Id, cancellationToken, onlyShopId: sale.ShopId, onlyBrowserIdHash: sale.BrowserIdHash);
        }
        else if (sale.SavedCardId is { } declinedWith && sale is { Result: SaleResult.Declined, DeclineReason: { } reason } && DeclinePolicy.CountsAgainstCard(reason))
        {
            // The card's own decline ends all its tokens. A mistyped CVC or the shop's limit says
            // nothing against the card: its token stays.
            await tokens.RevokeForCardAsync(declinedWith, exceptIssuedBySale: null, cancellationToken);
        }

        await write.CommitAsync(cancellationToken);
        logger.LogInformation("Order {OrderId}: sale {SaleId} is {Result} {Reason}", order.Id, sale.Id, sale.Result, sale.DeclineReason);
        if (outcome is not PaymentOutcome.ChallengeRequired)
        {
            metrics.SaleAnswered(order, sale, clock.GetUtcNow().UtcDateTime - sale.CreatedAt);
        }

        if (postback is not null)
        {
            // Committed: the dispatcher sends it without looking for it, under the claim written with it
            // (the sweep finds it all the same once that claim has lapsed).
            outbox.Hand(postback.Id, shop.Id, shop.MerchantId, postback.ClaimedUntil);
        }

        if (outcome is PaymentOutcome.Approved && order.Email is not null)
        {
            outbox.WakeForEverything(); // the buyer's receipt, too
        }

        return outcome;
    }

    /// <summary>
    /// Rule 6: a declined payment with a saved card sets it back to unconfirmed; its tokens end with it
    /// (revoked after the save). A wrong CVC counts towards the card's lock instead.
    /// </summary>
    private async Task DeclineCardAsync(Sale sale, long cardId, DeclineReason reason, CancellationToken cancellationToken)
    {
        var card = await db.SavedCards.SingleAsync(c => c.Id == cardId, cancellationToken);
        await db.Entry(card).ReloadAsync(cancellationToken);
        card.PaymentDeclined(Now, await OtherPaymentsPendingAsync(card.Id, sale.Id, cancellationToken), reason);
        await UpdateCustomerStatusAsync(card, cancellationToken);
        if (CvcLock.Counts(sale, reason)
            && CvcLock.LocksAfter(await db.Sales.CountAsync(CvcLock.WrongCvcs(card.Id, sale.Id, Now), cancellationToken)))
        {
            card.LockForOneClick(CvcLock.LockedUntil(Now));
            logger.LogWarning("Saved card {CardId} locked for one-click until {Until:u}: {Count} wrong CVCs within an hour", card.Id, card.LockedUntil, CvcLock.MaxWrongCvcs);
        }
    }

    /// <summary>The approval activates the contract a first payment created, or records the charge of the one it used.</summary>
    private async Task SettleContractAsync(Order order, Sale sale, CancellationToken cancellationToken)
    {
        if (await ContractOfAsync(order, cancellationToken) is not { } contract)
        {
            return;
        }

        // Never let the contract stop the approval from being saved.
        if (contract.State == ContractState.Pending && order.Recurrence == RecurrenceAction.ContractCreation && contract.CreatedByOrderId == order.Id)
        {
            var customer = await db.Customers.SingleAsync(c => c.Id == contract.CustomerId, cancellationToken);
            await db.Entry(customer).ReloadAsync(cancellationToken);
            if (sale.ThreeDSecureChallenged && customer.MayUseOneClick)
            {
                contract.Activate(Now);
                order.ContractCreated();
            }
            else
            {
                // Both phases are authenticated, and a Deny set meanwhile holds: the payment stands, no contract.
                logger.LogWarning("Order {OrderId}: contract {ContractId} not saved ({Why})", order.Id, contract.Id,
                    customer.MayUseOneClick ? "approved without 3-D Secure" : "the customer was set to Deny");
                db.Contracts.Remove(contract);
            }
        }
        else if (contract.IsChargeable && order.Recurrence == RecurrenceAction.SubsequentPayment)
        {
            contract.Charged(Now);
        }
    }

    /// <summary>
    /// An approved sale with a saved card confirms the card and issues a fresh oneClickToken for it,
    /// bound to this shop and this browser, saved in the same transaction as the approval.
    /// </summary>
    private void Remember(Order order, Sale sale, SavedCard? card)
    {
        // Never let the card stop the approval from being saved.
        if (card is null || !card.PaymentSucceeded(Now))
        {
            return;
        }

        var customer = card.Wallet.Customer;
        customer?.CardSaved(Now);
        // Rule 8: no token for a customer set to Deny. The token binds to the browser that paid.
        if (customer is not { MayUseOneClick: false } && (sale.BrowserIdHash ?? card.Wallet.BrowserIdHash) is { } browser)
        {
            tokens.Issue(order.ShopId, card, browser, sale.Id);
        }
    }

    /// <summary>The contract an API order creates or charges, as the database has it now.</summary>
    private async Task<Contract?> ContractOfAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.ContractId is null)
        {
            return null;
        }

        var contract = await db.Contracts.SingleOrDefaultAsync(c => c.ShopId == order.ShopId && c.ContractId == order.ContractId, cancellationToken);
        if (contract is not null)
        {
            await db.Entry(contract).ReloadAsync(cancellationToken);
        }

        return contract;
    }

    /// <summary>A first payment that was not approved leaves no contract: the contractId is free for another try.</summary>
    private async Task ForgetPendingContractAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.Recurrence == RecurrenceAction.ContractCreation
            && await ContractOfAsync(order, cancellationToken) is { State: ContractState.Pending } pending && pending.CreatedByOrderId == order.Id)
        {
            db.Contracts.Remove(pending);
        }
    }

    /// <summary>A saved card with its wallet and customer, as the database has them now.</summary>
    private async Task<SavedCard> FreshCardAsync(long cardId, CancellationToken cancellationToken)
    {
        // The card read for the payment, when this context has it (its wallet is loaded with it).
        if (db.SavedCards.Local.FirstOrDefault(c => c.Id == cardId) is not { } card)
        {
            return await db.SavedCards.Include(c => c.Wallet).ThenInclude(w => w.Customer).SingleAsync(c => c.Id == cardId, cancellationToken);
        }

        db.Reload(card, await CardAsStored(db, cardId, cancellationToken));
        var customer = db.Entry(card.Wallet).Reference(w => w.Customer);
        if (!customer.IsLoaded)
        {
            await customer.LoadAsync(cancellationToken);
        }

        if (card.Wallet.Customer is { } loaded)
        {
            db.Reload(loaded, await CustomerAsStored(db, loaded.Id, cancellationToken));
        }

        return card;
    }

    /// <summary>A customer whose last usable card was just set back or forgotten is New again (rule 8).</summary>
    private async Task UpdateCustomerStatusAsync(SavedCard card, CancellationToken cancellationToken)
    {
        var wallet = await db.Wallets.Include(w => w.Cards).Include(w => w.Customer).SingleAsync(w => w.Id == card.WalletId, cancellationToken);
        if (!wallet.HasSavedCards && wallet.Customer is { } customer)
        {
            // Tracked since the payment began: read afresh, or a Deny set meanwhile would be undone.
            // Only when the rule can change something: this runs inside the hot write turn.
            await db.Entry(customer).ReloadAsync(cancellationToken);
        }

        wallet.CustomerFollowsCards(Now);
    }

    /// <summary>
    /// The merchant's postback and the buyer's receipt are saved with the approval, in one
    /// transaction: a crash after the commit cannot lose them, and none exists for a sale that was not
    /// saved. The postback is written claimed by this node, which sends it once committed (decision
    /// 029: no write of a claim in the hot path), unless the dispatcher has no room to take it.
    /// </summary>
    private PostbackDelivery? WriteToOutbox(Shop shop, Order order, Sale sale)
    {
        var postback = PostbackOutbox.ForSale(shop, order, sale, Now, outbox.HasRoom ? postbacks.Value.ClaimLease : null);
        if (postback is not null)
        {
            postback.TraceAs(OneClickTraces.CurrentTraceParent()); // its delivery joins the payment's trace
            db.PostbackDeliveries.Add(postback);
        }

        if (order.Email is not null)
        {
            db.OutboxEmails.Add(emails.Receipt(order.Email, shop, order, sale, Now));
        }

        return postback;
    }

    /// <summary>Compiled once, as the customer's: read inside the write turn of every payment with a saved card.</summary>
    private static readonly Func<OneClickDbContext, long, CancellationToken, Task<SavedCard?>> CardAsStored =
        EF.CompileAsyncQuery((OneClickDbContext db, long id, CancellationToken _) => db.SavedCards.AsNoTracking().SingleOrDefault(c => c.Id == id));

    private static readonly Func<OneClickDbContext, long, CancellationToken, Task<OneClick.Core.Customers.Customer?>> CustomerAsStored =
        EF.CompileAsyncQuery((OneClickDbContext db, long id, CancellationToken _) => db.Customers.AsNoTracking().SingleOrDefault(c => c.Id == id));

    private Task<bool> OtherPaymentsPendingAsync(long cardId, long saleId, CancellationToken cancellationToken) =>
        db.Sales.AnyAsync(s => s.SavedCardId == cardId && s.Id != saleId && s.Result == SaleResult.Pending, cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
