using System.Linq.Expressions;
using System.Security.Cryptography;
using OneClick.Core.Sales;
using OneClick.Core.Shops;

namespace OneClick.Core.Orders;

/// <summary>
/// One purchase attempt started by a startorder request or the JSON API. Its state changes are
/// methods that refuse an invalid move, and <see cref="ConcurrencyStamp"/> is a concurrency token:
/// two requests that race to start a payment cannot both win, so an order is never charged twice.
/// </summary>
public sealed class Order
{
    private Order()
    {
    }

    /// <summary>Declined attempts an order takes before it closes: card testing gets no endless retries.</summary>
    public const int MaxDeclinedAttempts = 5;

    public Order(StartOrderRequest request, DateTime now)
    {
        Id = NewId();
        ShopId = request.ShopId;
        Version = request.Version;
        Amount = request.Price.Amount;
        Currency = request.Price.Currency;
        Description = request.Description;
        PaymentMethod = request.PaymentMethod ?? Orders.PaymentMethod.CC;
        ReferenceId = request.ReferenceId;
        Custom1 = request.Custom1;
        Custom2 = request.Custom2;
        Custom3 = request.Custom3;
        BackUrl = request.BackUrl?.AbsoluteUri;
        DeclineUrl = request.DeclineUrl?.AbsoluteUri;
        Email = request.Email;
        CustomerNumber = request.CustomerNumber;
        Language = BuyerLanguage.Parse(request.Language);
        State = OrderState.Open;
        CreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>An order of the JSON API: the hosted page or a pay-by-link (docs/protocol.md section 7).</summary>
    public Order(ApiOrderRequest request, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(request);
        Id = NewId();
        ShopId = request.ShopId;
        Version = "api1";
        Channel = request.Channel;
        Amount = request.Price.Amount;
        Currency = request.Price.Currency;
        Description = request.Description;
        PaymentMethod = Orders.PaymentMethod.CC;
        ReferenceId = request.OrderId;
        BackUrl = request.ResultUrl.AbsoluteUri;
        // A declined API order closes and sends the buyer to the cancel URL: the merchant starts a new one.
        DeclineUrl = request.CancelUrl.AbsoluteUri;
        NotificationUrl = request.NotificationUrl?.AbsoluteUri;
        CustomerNumber = request.CustomerId;
        Recurrence = request.Recurrence;
        ContractId = request.ContractId;
        ExpiresAt = request.ExpiresAt;
        Language = BuyerLanguage.Parse(request.Language);
        SecurityToken = NewId();
        State = OrderState.Open;
        CreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>The opaque public id: 128 random bits, so order pages cannot be guessed.</summary>
    public string Id { get; private set; } = "";

    public int ShopId { get; private set; }

    /// <summary>The protocol version the merchant spoke.</summary>
    public string Version { get; private set; } = "";

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public Money Price => new(Amount, Currency);

    public string Description { get; private set; } = "";

    public PaymentMethod PaymentMethod { get; private set; }

    public string? ReferenceId { get; private set; }

    public string? Custom1 { get; private set; }

    public string? Custom2 { get; private set; }

    public string? Custom3 { get; private set; }

    public string? BackUrl { get; private set; }

    public string? DeclineUrl { get; private set; }

    public string? Email { get; private set; }

    /// <summary>
    /// The buyer's language for the order page and e-mails (<see cref="BuyerLanguage"/>): the merchant's
    /// <c>language</c> or the browser's at the start, then the buyer's choice on the page
    /// (<c>ChooseOrderLanguage</c>); null for an API order that named none (the browser's language applies).
    /// </summary>
    public string? Language { get; private set; }

    /// <summary>
    /// The trace of the request that started the order (W3C <c>traceparent</c>), when tracing is on: a
    /// payment made on a later request joins it, so that one purchase is one trace (issue 24).
    /// </summary>
    public string? TraceParent { get; private set; }

    public string? CustomerNumber { get; private set; }

    public OrderState State { get; private set; }

    public OrderChannel Channel { get; private set; }

    /// <summary>An API order's <c>recurrence.action</c>; null for a startorder.</summary>
    public RecurrenceAction? Recurrence { get; private set; }

    /// <summary>The merchant's contract this order creates or charges.</summary>
    public string? ContractId { get; private set; }

    /// <summary>An API order's own postback URL, used instead of the shop's.</summary>
    public string? NotificationUrl { get; private set; }

    /// <summary>A pay-by-link stops working at this time.</summary>
    public DateTime? ExpiresAt { get; private set; }

    /// <summary>
    /// Given to the merchant with an API order and sent back with its result, so that the merchant can
    /// tell the result belongs to the order it made. It grants nothing at the gateway.
    /// </summary>
    public string? SecurityToken { get; private set; }

    /// <summary>This order's approved first payment saved its contract (what the merchant's result says).</summary>
    public bool ContractSaved { get; private set; }

    /// <summary>The contract a CONTRACT_CREATION order aimed at was saved by its approved payment.</summary>
    public void ContractCreated()
    {
        if (Recurrence != RecurrenceAction.ContractCreation || State != OrderState.Approved)
        {
            throw new OrderStateException($"Only an approved CONTRACT_CREATION order saves a contract; this one is {Recurrence} and {State}.");
        }

        ContractSaved = true;
    }

    /// <summary>The contract this order names in its result: the one it saved, or the one it charged.</summary>
    public string? ReportedContractId => ContractSaved || Recurrence == RecurrenceAction.SubsequentPayment ? ContractId : null;

    /// <summary>Both phases of a contract are 3-D Secure authenticated (the Nexi XPay model).</summary>
    public bool RequiresAuthentication => Recurrence is RecurrenceAction.ContractCreation or RecurrenceAction.SubsequentPayment;

    public bool IsExpired(DateTime now) => ExpiresAt <= now;

    /// <summary>The state a reader should see: an open order past its expiry reads Expired before the job has closed it.</summary>
    public OrderState StateAt(DateTime now) => State == OrderState.Open && IsExpired(now) ? OrderState.Expired : State;

    /// <summary>
    /// The orders <see cref="Expire"/> accepts at <paramref name="now"/>, for the job that closes them
    /// in one statement (OrderTests checks it against the method).
    /// </summary>
    public static Expression<Func<Order, bool>> ExpirableAt(DateTime now) => o => o.State == OrderState.Open && o.ExpiresAt <= now;

    /// <summary>
    /// Whether this order may use One Click at its shop (docs/protocol.md section 4): the shop has it on, the
    /// order came by startorder (the JSON API's orders never remember a card) and is paid by card.
    /// </summary>
    public bool MayUseOneClickAt(Shop shop) =>
        shop.OneClickEnabled && Channel == OrderChannel.StartOrder && PaymentMethod == Orders.PaymentMethod.CC;

    /// <summary>Whether a buyer can start a payment now: an open order whose link has not expired.</summary>
    public bool IsPayable(DateTime now) => State == OrderState.Open && !IsExpired(now);

    /// <summary>The sale that holds or closed the order: the one in flight, approved or finally declined.</summary>
    public long? CurrentSaleId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>Incremented by every state change; the database refuses a stale write.</summary>
    public int ConcurrencyStamp { get; private set; }

    /// <summary>Where the shop requires one: the address the buyer gave with the payment.</summary>
    public BillingAddress? BillingAddress { get; private set; }

    /// <summary>The buyer gives (or corrects) the billing address with a payment attempt on an open order.</summary>
    public void GiveBillingAddress(BillingAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (State != OrderState.Open)
        {
            throw new OrderStateException($"A billing address is given with a payment on an open order; this one is {State}.");
        }

        BillingAddress = address;
    }

    /// <summary>Takes the order for one payment attempt. Only an open order can start one.</summary>
    public void StartPayment(DateTime now)
    {
        if (State != OrderState.Open)
        {
            throw new OrderStateException($"A payment can start only on an open order; this one is {State}.");
        }

        if (IsExpired(now))
        {
            throw new OrderStateException($"This payment link expired at {ExpiresAt:u}.");
        }

        Move(OrderState.Processing, now);
    }

    /// <summary>Closes an unpaid pay-by-link at its expiry time.</summary>
    public void Expire(DateTime now)
    {
        if (State != OrderState.Open || !IsExpired(now))
        {
            throw new OrderStateException($"Only an open order past its expiry time can expire; this one is {State}.");
        }

        Move(OrderState.Expired, now);
    }

    /// <summary>The buyer cancels an API order on the hosted page and goes back to the merchant's cancel URL.</summary>
    public void Cancel(DateTime now)
    {
        if (Channel == OrderChannel.StartOrder || State != OrderState.Open)
        {
            throw new OrderStateException($"Only an open API order can be cancelled; this one is {State}.");
        }

        Move(OrderState.Cancelled, now);
    }

    public void AttachSale(Sale sale)
    {
        if (State != OrderState.Processing)
        {
            throw new OrderStateException("A sale belongs to an order that is processing a payment.");
        }

        CurrentSaleId = sale.Id;
    }

    public void RequireAuthentication(DateTime now)
    {
        if (State != OrderState.Processing)
        {
            throw new OrderStateException($"Only a payment in progress can ask for 3-D Secure; this order is {State}.");
        }

        Move(OrderState.AwaitingAuthentication, now);
    }

    /// <summary>Takes an order waiting for 3-D Secure for the buyer's answer, so that one answer counts.</summary>
    public void StartAuthenticationAnswer(DateTime now)
    {
        if (State != OrderState.AwaitingAuthentication)
        {
            throw new OrderStateException($"Only an order waiting for 3-D Secure can take its answer; this one is {State}.");
        }

        Move(OrderState.Processing, now);
    }

    public void Approve(DateTime now)
    {
        if (State is not (OrderState.Processing or OrderState.AwaitingAuthentication))
        {
            throw new OrderStateException($"Only a payment in progress can be approved; this order is {State}.");
        }

        Move(OrderState.Approved, now);
    }

    /// <summary>
    /// A declined attempt. With somewhere to send the buyer back (a decline URL) the order closes;
    /// otherwise it opens again so that the buyer can try another card.
    /// </summary>
    public void Decline(bool closeOrder, DateTime now)
    {
        if (State is not (OrderState.Processing or OrderState.AwaitingAuthentication))
        {
            throw new OrderStateException($"Only a payment in progress can be declined; this order is {State}.");
        }

        Move(closeOrder ? OrderState.Declined : OrderState.Open, now);
    }

    /// <summary>The acquirer could not be reached: nothing was charged and the buyer may retry.</summary>
    public void Reopen(DateTime now)
    {
        if (State is not (OrderState.Processing or OrderState.AwaitingAuthentication))
        {
            throw new OrderStateException($"Only a payment in progress can be given up; this order is {State}.");
        }

        Move(OrderState.Open, now);
    }

    private void Move(OrderState state, DateTime now)
    {
        State = state;
        UpdatedAt = now;
        ConcurrencyStamp++;
    }

    /// <summary>Keeps the trace the order started in; the first one stays, and anything malformed is not kept.</summary>
    public void TraceAs(string? traceParent)
    {
        if (TraceParent is null && Tracing.TraceParent.IsWellFormed(traceParent))
        {
            TraceParent = traceParent;
        }
    }

    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed class OrderStateException(string message) : InvalidOperationException(message);
