using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout;

/// <summary>
/// Charges a card for an order. The order is taken for the attempt (a concurrency-checked state
/// change) and the sale recorded before the acquirer is called, so that two submissions of the same
/// form cannot both charge, and a crash leaves a pending sale to reconcile rather than a lost one.
/// </summary>
public sealed class CardPaymentService(
    OneClickDbContext db,
    IAcquirer acquirer,
    OutboxSignal outbox,
    BuyerWallets wallets,
    OneClickTokens tokens,
    CardVault vault,
    WriteGate gate,
    ShopSnapshots shops,
    CustomerStatuses customers,
    TimeProvider clock,
    ILogger<CardPaymentService> logger)
{
    /// <summary>Wrong CVCs on a saved card, within <see cref="CvcWindow"/>, that lock it for one-click.</summary>
    public const int MaxWrongCvcs = 5;

    public static readonly TimeSpan CvcWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// A payment still waiting this long (an abandoned 3-D Secure challenge, a crash) no longer holds
    /// back the CVC lock or the turnover limit: a buyer is not blocked for a week by a page they closed.
    /// </summary>
    public static readonly TimeSpan PendingCountsFor = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Full card entry. With <paramref name="remember"/> (and a browser id to bind the next token to)
    /// the card is saved in the buyer's wallet, offered for One Click once a payment is approved.
    /// </summary>
    public async Task<PaymentOutcome> PayAsync(string orderId, CardNumber card, CardExpiry expiry, Cvc cvc, string cardholderName, bool remember, string? browserIdHash, CancellationToken cancellationToken, BillingAddress? billing = null)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        var shop = await LoadShopAsync(order, cancellationToken);
        if (order.Recurrence == RecurrenceAction.ContractCreation && order.IsPayable(Now))
        {
            // CONTRACT_CREATION: the card is kept in a pending contract, saved with the pending sale and
            // active only once the authenticated payment is approved.
            if (await db.Contracts.AnyAsync(c => c.ShopId == shop.Id && c.ContractId == order.ContractId, cancellationToken))
            {
                return new PaymentOutcome.ContractUnavailable();
            }

            var customer = await customers.FindOrAddAsync(shop.CustomerUnionId, order.CustomerNumber!, cancellationToken);
            if (!customer.MayUseOneClick)
            {
                // Rule 8 holds for contracts too: the merchant set Deny after the order was made.
                return new PaymentOutcome.ContractUnavailable();
            }

            db.Contracts.Add(new Contract(shop.Id, order.ContractId!, customer.Id, order.Id, card, expiry, cardholderName, vault.Encrypt(card), Now));
        }

        if (TakeBillingAddress(order, shop, billing) is { } missing)
        {
            return missing;
        }

        SavedCard? saved = null;
        if (remember && browserIdHash is not null && shop.OneClickEnabled && order.Channel == OrderChannel.StartOrder && order.PaymentMethod == PaymentMethod.CC && order.State == OrderState.Open)
        {
            var wallet = await wallets.FindOrCreateAsync(shop, order.CustomerNumber, browserIdHash, cancellationToken);
            // Rule 8: no card is saved for a customer the merchant set to Deny.
            if (wallet.Customer is not { MayUseOneClick: false })
            {
                saved = wallet.Remember(card, expiry, cardholderName, vault.Encrypt(card), vault.Fingerprint(card), Now);
            }
        }

        var request = new AuthorizationRequest(card, expiry, cvc, cardholderName, order.Price, order.Id, AuthenticationRequired: order.RequiresAuthentication);
        return await ChargeAsync(order, shop, request, saved, browserIdHash, cancellationToken);
    }

    /// <summary>
    /// SUBSEQUENT_PAYMENT: the contract's card, with no card entry and no CVC, 3-D Secure authenticated.
    /// </summary>
    public async Task<PaymentOutcome> PayContractAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        if (order.Recurrence != RecurrenceAction.SubsequentPayment)
        {
            return new PaymentOutcome.CardUnavailable();
        }

        var shop = await LoadShopAsync(order, cancellationToken);
        var contract = await ChargeableContractAsync(order, cancellationToken);
        if (contract is null)
        {
            return new PaymentOutcome.ContractUnavailable();
        }

        var request = new AuthorizationRequest(vault.Decrypt(contract.Pan), contract.Expiry, null, contract.HolderName, order.Price, order.Id,
            StoredCredential: true, AuthenticationRequired: true);
        return await ChargeAsync(order, shop, request, null, null, cancellationToken);
    }

    /// <summary>
    /// The buyer cancels an open API order on the hosted page: it closes, and the answer is the merchant's
    /// cancel URL with the signed fields (null when the order can no longer be cancelled).
    /// </summary>
    public async Task<string?> CancelAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is not { Channel: not OrderChannel.StartOrder, State: OrderState.Open, DeclineUrl: not null })
        {
            return null;
        }

        var shop = await LoadShopAsync(order, cancellationToken);
        try
        {
            order.Cancel(Now);
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return null; // a payment started meanwhile: the order page shows where it stands
        }

        logger.LogInformation("Order {OrderId}: cancelled by the buyer", order.Id);
        return Core.Protocol.MerchantUrl.WithSignedFields(order.DeclineUrl, Core.Protocol.OkData.CancelFields(shop, order), shop.SigningKey);
    }

    /// <summary>
    /// Whether a CONTRACT_CREATION order can no longer save its contract: the id is taken (by a contract,
    /// or another order's first payment under way) or the customer was set to Deny.
    /// </summary>
    public async Task<bool> ContractCreationBlockedAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.Recurrence != RecurrenceAction.ContractCreation)
        {
            return false;
        }

        var taken = await db.Contracts.AsNoTracking().AnyAsync(c => c.ShopId == order.ShopId && c.ContractId == order.ContractId && c.CreatedByOrderId != order.Id, cancellationToken);
        return taken || await db.Customers.AsNoTracking().AnyAsync(
            c => c.CustomerUnionId == db.Shops.Where(s => s.Id == order.ShopId).Select(s => s.CustomerUnionId).First()
                && c.Number == order.CustomerNumber && c.Status == Core.Customers.CustomerStatus.Deny,
            cancellationToken);
    }

    /// <summary>
    /// The active contract a SUBSEQUENT_PAYMENT order charges, as the database has it now, when it still
    /// belongs to the order's customer and the merchant has not set that customer to Deny.
    /// </summary>
    public async Task<Contract?> ChargeableContractAsync(Order order, CancellationToken cancellationToken)
    {
        var found = await (
            from c in db.Contracts.AsNoTracking()
            join customer in db.Customers.AsNoTracking() on c.CustomerId equals customer.Id
            where c.ShopId == order.ShopId && c.ContractId == order.ContractId && customer.Number == order.CustomerNumber
                && customer.Status != Core.Customers.CustomerStatus.Deny
            select c).SingleOrDefaultAsync(cancellationToken);
        return found is { IsChargeable: true } ? found : null;
    }

    /// <summary>
    /// A saved card of the order's wallet, chosen on the order page with its CVC (the instant
    /// payment with no input is <see cref="PayInstantAsync"/>).
    /// </summary>
    public async Task<PaymentOutcome> PaySavedCardAsync(string orderId, long savedCardId, Cvc? cvc, string? browserIdHash, CancellationToken cancellationToken, BillingAddress? billing = null)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        var shop = await LoadShopAsync(order, cancellationToken);
        if (TakeBillingAddress(order, shop, billing) is { } missing)
        {
            return missing;
        }
        var card = await db.SavedCards.Include(c => c.Wallet).ThenInclude(w => w.Customer).SingleOrDefaultAsync(c => c.Id == savedCardId, cancellationToken);
        if (card is null || Unavailable(order, shop, card, browserIdHash, instant: false) is not null)
        {
            return new PaymentOutcome.CardUnavailable();
        }

        if (card.IsLocked(Now))
        {
            return new PaymentOutcome.CardLocked(card.LockedUntil!.Value);
        }

        var number = vault.Decrypt(card.Pan);
        var request = new AuthorizationRequest(number, card.Expiry, cvc, card.HolderName, order.Price, order.Id, StoredCredential: true);
        return await ChargeAsync(order, shop, request, card, browserIdHash, cancellationToken);
    }

    /// <summary>
    /// Rule 3, an instant one-click startorder: the new order, the token's spend and the pending sale
    /// are saved in one write turn, before the acquirer is asked. A token that cannot pay (unknown,
    /// used, expired, another shop or browser, a card that cannot pay this order, or spent by a
    /// parallel request) stays unspent, and the order is saved open for the order page (rule 4).
    /// </summary>
    public async Task<InstantPayment> PayInstantAsync(Order order, Shop shop, string token, string? browserIdHash, CancellationToken cancellationToken)
    {
        // Read before the write turn, which is the whole process's: the token, its card and whether
        // the card may pay. Only the binding parts (the turnover limit, the spend) are inside.
        var (found, card, refused) = await tokens.FindSpendableAsync(token, order.ShopId, browserIdHash, cancellationToken);
        var tokenUnknown = refused == OneClickTokens.UnknownToken;
        refused ??= Unavailable(order, shop, card!, browserIdHash, instant: true)
            ?? (card!.IsLocked(Now) ? "the card is locked after wrong CVCs" : null);
        var request = refused is null
            ? new AuthorizationRequest(vault.Decrypt(card!.Pan), card.Expiry, null, card.HolderName, order.Price, order.Id, StoredCredential: true)
            : null;
        db.Orders.Add(order);
        Sale? sale = null;
        try
        {
            await using var write = await gate.BeginAsync(db, cancellationToken);
            refused ??= await TurnoverRefusalAsync(shop, order, card!, cancellationToken);
            if (refused is null && !await tokens.SpendAsync(found!, cancellationToken))
            {
                refused = "the token was spent by a parallel request";
            }

            if (refused is null)
            {
                sale = new Sale(order, request!.Card, Now);
                sale.UseSavedCard(card!.Id, oneClick: true, instant: true, browserIdHash);
                order.StartPayment(Now);
                db.Sales.Add(sale);
            }

            await db.SaveChangesAsync(cancellationToken);
            if (sale is not null)
            {
                order.AttachSale(sale);
                await db.SaveChangesAsync(cancellationToken);
                await tokens.RecordSpenderAsync(found!, sale.Id, cancellationToken);
            }

            await write.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (OrderStarter.IsReferenceRace(ex, order.ReferenceId))
        {
            // Another request with the same referenceID won the race. Nothing of this one was saved,
            // its token included: the caller resumes the winner's order.
            db.ChangeTracker.Clear();
            return new InstantPayment.ReferenceTaken(ex);
        }

        if (refused is not null)
        {
            logger.LogInformation("One-click refused for shop {ShopId}: {Reason}", order.ShopId, refused);
            return new InstantPayment.NotCharged(tokenUnknown);
        }

        return new InstantPayment.Charged(await AuthorizeAsync(order, shop, sale!, request!, instant: true));
    }

    /// <summary>
    /// Why a saved card cannot pay this order from this browser; null when it can. The card must be
    /// live and confirmed and belong to the order's wallet: the customer's (customerNumber, in the
    /// shop's union) or else this browser's at this shop. An instant payment's token already proved
    /// shop and browser; a card chosen on the page must also have reached the shop's minimum payments.
    /// </summary>
    public string? Unavailable(Order order, Shop shop, SavedCard card, string? browserIdHash, bool instant)
    {
        var wallet = card.Wallet;
        if (card.DeletedAt is not null || !card.Confirmed)
        {
            return "the card is deleted or unconfirmed";
        }

        if (!wallet.ServesShop(shop.Id, shop.CustomerUnionId))
        {
            return "the card belongs to another shop";
        }

        if (wallet.Customer is { MayUseOneClick: false })
        {
            return "the merchant set this customer to Deny";
        }

        if (order.CustomerNumber is not null && wallet.Customer?.Number != order.CustomerNumber)
        {
            return "the card belongs to another customer";
        }

        if (instant)
        {
            return null;
        }

        if (order.CustomerNumber is null && (wallet.Customer is not null || wallet.BrowserIdHash != browserIdHash))
        {
            return "the card belongs to another browser";
        }

        return card.SuccessfulPayments < shop.SavedCardMinimumPayments ? "the card has not reached the shop's minimum payments" : null;
    }

    private async Task<PaymentOutcome> ChargeAsync(Order order, Shop shop, AuthorizationRequest request, SavedCard? saved, string? browserIdHash, CancellationToken cancellationToken)
    {
        if (order.State != OrderState.Open)
        {
            return new PaymentOutcome.NotPayable(order.State);
        }

        if (order.IsExpired(Now))
        {
            return new PaymentOutcome.NotPayable(OrderState.Expired);
        }

        // A card chosen on the page is a one-click payment: the CVC lock and the turnover limit
        // apply. A card remembered on full entry is not yet one.
        var oneClick = saved is not null && request.StoredCredential;
        var sale = new Sale(order, request.Card, Now);
        string? overLimit = null;
        try
        {
            // SQLite's write transaction (BEGIN IMMEDIATE) serialises the checks below with every
            // other payment: two racing for the last of a limit cannot both pass.
            await using var transaction = await gate.BeginAsync(db, cancellationToken);
            if (oneClick && await CvcAttemptsAsync(saved!.Id, cancellationToken) >= MaxWrongCvcs)
            {
                return new PaymentOutcome.CardLocked(saved.LockedUntil ?? Now + CvcWindow);
            }

            overLimit = oneClick ? await TurnoverRefusalAsync(shop, order, saved!, cancellationToken) : null;
            // Read again in the turn that takes the order: a deactivation answered before it is final.
            if (order.Recurrence == RecurrenceAction.SubsequentPayment && await ChargeableContractAsync(order, cancellationToken) is null)
            {
                return new PaymentOutcome.ContractUnavailable();
            }

            order.StartPayment(Now);
            db.Sales.Add(sale);
            await db.SaveChangesAsync(cancellationToken);
            if (saved is not null)
            {
                sale.UseSavedCard(saved.Id, oneClick, instant: false, browserIdHash);
            }

            order.AttachSale(sale);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Order {OrderId}: a second payment attempt was refused while one is in progress", order.Id);
            return new PaymentOutcome.NotPayable(OrderState.Processing);
        }
        catch (OrderStateException) when (order.IsExpired(Now))
        {
            return new PaymentOutcome.NotPayable(OrderState.Expired); // the link expired while the turn was awaited
        }
        catch (DbUpdateException ex) when (ex.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 } && order.Recurrence == RecurrenceAction.ContractCreation)
        {
            // The only unique index this save can meet: a parallel first payment of the same contract.
            logger.LogInformation("Order {OrderId}: a parallel payment holds the contract this one would create", order.Id);
            return new PaymentOutcome.ContractUnavailable();
        }

        if (overLimit is not null)
        {
            // Rule 9: declined before the acquirer, with the reason kept on the sale for the merchant.
            logger.LogInformation("Order {OrderId}: sale {SaleId} refused before the acquirer, {Limit}", order.Id, sale.Id, overLimit);
            return await ApplyAsync(order, shop, sale, new AuthorizationResult.Declined(null, DeclineReason.TurnoverLimitReached), CancellationToken.None);
        }

        return await AuthorizeAsync(order, shop, sale, request, instant: false);
    }

    /// <summary>Asks the acquirer about a sale already saved as pending, and saves its answer.</summary>
    private async Task<PaymentOutcome> AuthorizeAsync(Order order, Shop shop, Sale sale, AuthorizationRequest request, bool instant)
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

    public async Task<PaymentOutcome> CompleteAuthenticationAsync(string orderId, bool authenticated, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return new PaymentOutcome.NotFound();
        }

        if (order.State != OrderState.AwaitingAuthentication || order.CurrentSaleId is not { } saleId)
        {
            return new PaymentOutcome.NotPayable(order.State);
        }

        var sale = await db.Sales.SingleAsync(s => s.Id == saleId, cancellationToken);
        // Read before the acquirer answers: nothing that can fail stands between its answer and saving it.
        var shop = await LoadShopAsync(order, cancellationToken);
        bool contractGone;
        try
        {
            // One answer counts: the order is taken before the acquirer hears it. A contract deactivated
            // while the buyer authenticated is seen in the same turn: it can never be charged again.
            await using var turn = await gate.BeginAsync(db, cancellationToken);
            contractGone = order.Recurrence == RecurrenceAction.SubsequentPayment && await ChargeableContractAsync(order, cancellationToken) is null;
            order.StartAuthenticationAnswer(Now);
            await db.SaveChangesAsync(cancellationToken);
            await turn.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new PaymentOutcome.NotPayable(OrderState.Processing);
        }

        AuthorizationResult result;
        try
        {
            result = contractGone
                ? new AuthorizationResult.Declined(sale.TransactionId, DeclineReason.ContractDeactivated)
                : await acquirer.CompleteAuthenticationAsync(sale.TransactionId!, authenticated, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Order {OrderId}: the acquirer failed to complete 3-D Secure ({Error})", order.Id, ex.GetType().Name);
            result = new AuthorizationResult.Unavailable(ex.GetType().Name);
        }

        return await ApplyAsync(order, shop, sale, result, CancellationToken.None);
    }

    /// <summary>
    /// Whether a payment on this contract waits for the acquirer's answer: a deactivation must wait for
    /// it, or it could be answered "done" while the charge goes through. A crashed one counts for
    /// <see cref="PendingCountsFor"/> only.
    /// </summary>
    public Task<bool> ContractPaymentInFlightAsync(int shopId, string contractId, CancellationToken cancellationToken)
    {
        var since = Now - PendingCountsFor;
        return db.Orders.AnyAsync(
            o => o.ShopId == shopId && o.ContractId == contractId && o.Recurrence == RecurrenceAction.SubsequentPayment
                && o.State == OrderState.Processing && o.UpdatedAt > since,
            cancellationToken);
    }

    /// <summary>A 3-D Secure challenge with no answer for this long is given up: the buyer left.</summary>
    public static readonly TimeSpan AuthenticationAbandonedAfter = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Gives up a payment whose 3-D Secure challenge the buyer left: the sale is declined (nothing was
    /// charged), the order opens again or closes as after any decline, and a pending contract goes with
    /// its card. False when the buyer answered meanwhile (the order is taken like an answer would take it).
    /// </summary>
    public async Task<bool> AbandonAuthenticationAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is not { State: OrderState.AwaitingAuthentication, CurrentSaleId: { } saleId } || order.UpdatedAt > Now - AuthenticationAbandonedAfter)
        {
            return false;
        }

        var sale = await db.Sales.SingleAsync(s => s.Id == saleId, cancellationToken);
        var shop = await LoadShopAsync(order, cancellationToken);
        try
        {
            order.StartAuthenticationAnswer(Now);
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }

        logger.LogInformation("Order {OrderId}: 3-D Secure challenge of sale {SaleId} abandoned", order.Id, sale.Id);
        await ApplyAsync(order, shop, sale, new AuthorizationResult.Declined(sale.TransactionId, DeclineReason.AuthenticationAbandoned), CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Saves the acquirer's answer in one write turn: the sale and the order, the card, the next token
    /// and the end of the card's other tokens, and the merchant's postback.
    /// </summary>
    private async Task<PaymentOutcome> ApplyAsync(Order order, Shop shop, Sale sale, AuthorizationResult result, CancellationToken cancellationToken)
    {
        await using var write = await gate.BeginAsync(db, cancellationToken);
        // The card as it is now, read inside the write turn so that nothing changes it before the
        // commit: the buyer may have deleted it, or the merchant set Deny, while the acquirer answered.
        var paidWith = result is AuthorizationResult.Approved && sale.SavedCardId is { } cardId
            ? await FreshCardAsync(cardId, cancellationToken)
            : null;
        PaymentOutcome outcome;
        switch (result)
        {
            case AuthorizationResult.Approved approved:
                sale.Approve(approved.TransactionId, Now);
                order.Approve(Now);
                Remember(order, sale, paidWith);
                if (await ContractOfAsync(order, cancellationToken) is { } contract)
                {
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

                WriteToOutbox(shop, order, sale);
                outcome = new PaymentOutcome.Approved(sale.Id);
                break;
            case AuthorizationResult.Declined declined:
                if (sale.SavedCardId is { } declinedCard && declined.Reason is not (DeclineReason.TurnoverLimitReached or DeclineReason.AuthenticationAbandoned))
                {
                    // Rule 6: a declined payment with a saved card sets it back to unconfirmed; its
                    // tokens end with it (revoked after the commit below). A wrong CVC counts towards
                    // the card's lock instead.
                    var card = await db.SavedCards.SingleAsync(c => c.Id == declinedCard, cancellationToken);
                    await db.Entry(card).ReloadAsync(cancellationToken);
                    card.PaymentDeclined(Now, await OtherPaymentsPendingAsync(card.Id, sale.Id, cancellationToken), declined.Reason);
                    await UpdateCustomerStatusAsync(card, cancellationToken);
                    if (declined.Reason == DeclineReason.IncorrectCvc && sale.OneClickPayment && !sale.InstantOneClick
                        && await WrongCvcsAsync(card.Id, sale.Id, cancellationToken) + 1 >= MaxWrongCvcs)
                    {
                        card.LockForOneClick(Now + CvcWindow);
                        logger.LogWarning("Saved card {CardId} locked for one-click until {Until:u}: {Count} wrong CVCs within an hour", card.Id, card.LockedUntil, MaxWrongCvcs);
                    }
                }

                // The shop's limit is no decline of the card: the order stays open for full card entry.
                var close = declined.Reason != DeclineReason.TurnoverLimitReached
                    && (order.DeclineUrl is not null || shop.DeclineUrl is not null
                        || await DeclinedAttemptsAsync(order, cancellationToken) + 1 >= Order.MaxDeclinedAttempts);
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

        await db.SaveChangesAsync(cancellationToken);
        if (sale.SavedCardId is { } usedCard
            && (sale.Result == SaleResult.Approved || (sale.Result == SaleResult.Declined && sale.DeclineReason is not (DeclineReason.IncorrectCvc or DeclineReason.TurnoverLimitReached or DeclineReason.AuthenticationAbandoned))))
        {
            // One live token per card: the one this approval issued, or none after the card's own
            // decline. A mistyped CVC or the shop's limit says nothing against the card: its token stays.
            // In the same transaction as the approval: a crash cannot leave two live tokens.
            if (sale.Result == SaleResult.Approved)
            {
                // One live token per card, shop and browser: the one this approval issued. Tokens the
                // card holds at other shops of its union, or in other browsers, are not this sale's to end.
                await tokens.RevokeForCardAsync(usedCard, exceptIssuedBySale: sale.Id, cancellationToken, onlyShopId: sale.ShopId, onlyBrowserIdHash: sale.BrowserIdHash);
            }
            else
            {
                await tokens.RevokeForCardAsync(usedCard, exceptIssuedBySale: null, cancellationToken);
            }
        }

        await write.CommitAsync(cancellationToken);
        logger.LogInformation("Order {OrderId}: sale {SaleId} is {Result} {Reason}", order.Id, sale.Id, sale.Result, sale.DeclineReason);
        if (outcome is PaymentOutcome.Approved && order.Email is not null)
        {
            outbox.WakeForEverything(); // the buyer's receipt, too
        }
        else if (outcome is PaymentOutcome.Approved)
        {
            outbox.Wake();
        }

        return outcome;
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

        await db.Entry(card).ReloadAsync(cancellationToken);
        var customer = db.Entry(card.Wallet).Reference(w => w.Customer);
        if (!customer.IsLoaded)
        {
            await customer.LoadAsync(cancellationToken);
        }

        if (card.Wallet.Customer is { } loaded)
        {
            await db.Entry(loaded).ReloadAsync(cancellationToken);
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
            await db.Entry(customer).ReloadAsync(cancellationToken);
            customer.CardsGone(Now);
        }
    }

    /// <summary>Wrong CVCs typed for a card within the last hour, and CVC payments with it still waiting for an answer.</summary>
    private async Task<int> CvcAttemptsAsync(long cardId, CancellationToken cancellationToken)
    {
        var since = Now - CvcWindow;
        var pendingSince = Now - PendingCountsFor;
        return await db.Sales.CountAsync(
            s => s.SavedCardId == cardId && s.OneClickPayment && !s.InstantOneClick && s.CreatedAt > since
                && (s.DeclineReason == DeclineReason.IncorrectCvc || (s.Result == SaleResult.Pending && s.CreatedAt > pendingSince)),
            cancellationToken);
    }

    private async Task<int> WrongCvcsAsync(long cardId, long exceptSaleId, CancellationToken cancellationToken)
    {
        var since = Now - CvcWindow;
        return await db.Sales.CountAsync(
            s => s.SavedCardId == cardId && s.Id != exceptSaleId && s.OneClickPayment && !s.InstantOneClick && s.CreatedAt > since && s.DeclineReason == DeclineReason.IncorrectCvc,
            cancellationToken);
    }

    /// <summary>
    /// Rule 9: why this one-click payment would take the customer over the shop's cap, counting their
    /// approved and still pending one-click payments at this shop over all cards of the wallet.
    /// </summary>
    public async Task<string?> TurnoverRefusalAsync(Shop shop, Order order, SavedCard card, CancellationToken cancellationToken)
    {
        if (shop.TurnoverLimitFor(order.Currency) is not { } limit)
        {
            return null;
        }

        var since = Now - TurnoverLimit.Week;
        var pendingSince = Now - PendingCountsFor;
        var walletId = card.WalletId;
        // From the wallet's cards to their sales by the card index; the shop is filtered here, not in
        // SQL, where SQLite's planner took the shop's index and read all of the shop's sales of the week.
        var recent = (await (
                from c in db.SavedCards
                where c.WalletId == walletId
                join s in db.Sales on (long?)c.Id equals s.SavedCardId
                where s.OneClickPayment && s.Currency == order.Currency && s.CreatedAt > since
                    && (s.Result == SaleResult.Approved || (s.Result == SaleResult.Pending && s.CreatedAt > pendingSince))
                select new { s.ShopId, s.CreatedAt, s.Amount })
            .ToListAsync(cancellationToken))
            .Where(r => r.ShopId == shop.Id)
            .ToList();
        return limit.Refusal(order.Price, recent.Select(r => (r.CreatedAt, r.Amount)), Now);
    }

    /// <summary>Where the shop requires a billing address, the payment carries one; it is saved with the attempt.</summary>
    private static PaymentOutcome.BillingAddressRequired? TakeBillingAddress(Order order, Shop shop, BillingAddress? billing)
    {
        if (billing is not null && order.State == OrderState.Open)
        {
            order.GiveBillingAddress(billing);
        }

        return shop.RequiresBillingAddress && billing is null && order.State == OrderState.Open ? new PaymentOutcome.BillingAddressRequired() : null;
    }

    private Task<Shop> LoadShopAsync(Order order, CancellationToken cancellationToken) =>
        shops.GetAsync(db, order.ShopId, cancellationToken);

    private Task<bool> OtherPaymentsPendingAsync(long cardId, long saleId, CancellationToken cancellationToken) =>
        db.Sales.AnyAsync(s => s.SavedCardId == cardId && s.Id != saleId && s.Result == SaleResult.Pending, cancellationToken);

    /// <summary>
    /// The merchant's postback and the buyer's receipt are saved with the approval, in one
    /// transaction: a crash after the commit cannot lose them, and none exists for a sale that was not saved.
    /// </summary>
    private void WriteToOutbox(Shop shop, Order order, Sale sale)
    {
        if (PostbackOutbox.ForSale(shop, order, sale, Now) is { } postback)
        {
            db.PostbackDeliveries.Add(postback);
        }

        if (order.Email is not null)
        {
            db.OutboxEmails.Add(BuyerEmails.Receipt(order.Email, shop, order, sale, Now));
        }
    }

    private Task<int> DeclinedAttemptsAsync(Order order, CancellationToken cancellationToken) =>
        db.Sales.CountAsync(s => s.OrderId == order.Id && s.Result == SaleResult.Declined && s.DeclineReason != DeclineReason.TurnoverLimitReached, cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}

public abstract record PaymentOutcome
{
    public sealed record Approved(long SaleId) : PaymentOutcome;

    public sealed record Declined(long SaleId, DeclineReason Reason, bool OrderClosed) : PaymentOutcome;

    public sealed record ChallengeRequired : PaymentOutcome;

    /// <summary>The acquirer could not be reached; nothing was charged.</summary>
    public sealed record Unavailable : PaymentOutcome;

    public sealed record NotPayable(OrderState State) : PaymentOutcome;

    public sealed record NotFound : PaymentOutcome;

    /// <summary>The saved card is gone, unconfirmed, or not this order's wallet's.</summary>
    public sealed record CardUnavailable : PaymentOutcome;

    /// <summary>The shop requires a billing address and none came with the payment.</summary>
    public sealed record BillingAddressRequired : PaymentOutcome;

    /// <summary>Too many wrong CVCs: the card cannot pay in one click until then.</summary>
    public sealed record CardLocked(DateTime Until) : PaymentOutcome;

    /// <summary>The order's contract cannot be used: its id is taken (creation) or it is no longer active (subsequent payment).</summary>
    public sealed record ContractUnavailable : PaymentOutcome;
}

/// <summary>What became of an instant one-click startorder.</summary>
public abstract record InstantPayment
{
    /// <summary>The acquirer was asked; the order holds the sale.</summary>
    public sealed record Charged(PaymentOutcome Outcome) : InstantPayment;

    /// <summary>The token could not pay: it is unspent, and the order was saved open for the order page.</summary>
    /// <param name="TokenUnknown">No token ever had this value: a guess (used, expired and other tokens were real ones).</param>
    public sealed record NotCharged(bool TokenUnknown) : InstantPayment;

    /// <summary>A parallel request saved an order with the same referenceID first; nothing of this one was saved.</summary>
    public sealed record ReferenceTaken(Exception Race) : InstantPayment;
}
