using Microsoft.EntityFrameworkCore;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Web.Features.Checkout.Queries;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Payments;

/// <summary>SUBSEQUENT_PAYMENT: the contract's card, with no card entry and no CVC, 3-D Secure authenticated.</summary>
public sealed class PayContract(OneClickDbContext db, PaymentAttempt attempt, ChargeableContractQuery chargeable, CardVault vault, ShopSnapshots shops)
{
    public async Task<PaymentOutcome> RunAsync(string orderId, CancellationToken cancellationToken)
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

        var shop = await shops.GetAsync(db, order.ShopId, cancellationToken);
        var contract = await chargeable.RunAsync(order, cancellationToken);
        if (contract is null)
        {
            return new PaymentOutcome.ContractUnavailable();
        }

        var request = new AuthorizationRequest(vault.Decrypt(contract.Pan), contract.Expiry, null, contract.HolderName, order.Price, order.Id,
            StoredCredential: true, AuthenticationRequired: true);
        return await attempt.RunAsync(order, shop, request, null, null, cancellationToken);
    }
}
