using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OneClick.Web.Features.Api;

/// <summary>
/// What the generator cannot read from the records: which fields are required, the rules each field
/// follows, and what each answer field means. Answers leave null fields out, so an answer's required
/// fields are exactly its non-nullable ones; a request's are listed here, as the API checks them.
/// </summary>
internal static class ApiSchemas
{
    private const string IdRule = "characters of A-Z, a-z, 0-9, '.', '_' and '-'";

    private static readonly Type[] Requests = [typeof(HostedPageOrderBody), typeof(PayByLinkOrderBody), typeof(OrderPart), typeof(PaymentSessionPart), typeof(RecurrencePart)];

    private static readonly Dictionary<Type, string[]> RequiredOfRequests = new()
    {
        [typeof(HostedPageOrderBody)] = ["order", "paymentSession"],
        [typeof(PayByLinkOrderBody)] = ["order", "paymentSession", "expiresAt"],
        [typeof(OrderPart)] = ["orderId", "amount", "currency", "description"],
        [typeof(PaymentSessionPart)] = ["resultUrl", "cancelUrl"],
        [typeof(RecurrencePart)] = [],
    };

    private static readonly Dictionary<Type, string> TypeDescriptions = new()
    {
        [typeof(HostedPageOrderBody)] = "A hosted-page order. Unknown fields are refused, so a misspelt name is never silently ignored.",
        [typeof(PayByLinkOrderBody)] = "A pay-by-link order: a hosted-page order plus expiresAt. Unknown fields are refused.",
        [typeof(OrderPart)] = "The order: your id, the price and what it is for.",
        [typeof(PaymentSessionPart)] = "Where the buyer and the result go, and whether the card is saved or charged under a contract.",
        [typeof(RecurrencePart)] = "The CIT contract this payment creates or uses. Leave it out for a one-off payment.",
        [typeof(HostedPageCreated)] = "Where to send the buyer.",
        [typeof(PaymentLinkCreated)] = "The link to send to the buyer.",
        [typeof(OrderDetails)] = "An order as the gateway knows it now. Fields without a value are left out.",
        [typeof(CustomerContracts)] = "A customer's contracts in this shop.",
        [typeof(ApiProblem)] = "An RFC 9457 problem: what went wrong (title), what to do about it (detail), and for a body that breaks a rule, each field by its JSON path with its rules.",
        [typeof(ContractDetails)] = "A CIT contract: a card saved for one customer with their consent, charged again only in payments that customer starts.",
        [typeof(OperationDetails)] = "One payment attempt that reached the acquirer.",
        [typeof(RecurrenceDetails)] = "The order's recurrence: the CIT contract it creates or uses. Absent for an order made by startorder.",
    };

    private static readonly Dictionary<(Type, string), (string Description, Action<OpenApiSchema>? Rule)> Properties = new()
    {
        [(typeof(PayByLinkOrderBody), "expiresAt")] = ("When the link stops working: an ISO 8601 date and time with its offset, e.g. 2026-12-01T18:00:00Z, at least 5 minutes and at most 30 days ahead.", null),

        [(typeof(OrderPart), "orderId")] = ($"Your unique id of the order in this shop: 1 to 64 {IdRule}.", s => s.Pattern = "^[A-Za-z0-9._-]{1,64}$"),
        [(typeof(OrderPart), "amount")] = ("The price in minor units (cents): 999 is 9.99. Greater than 0, at most 100000000. A JSON number, or a string of digits.", s => (s.Minimum, s.Maximum) = ("1", "100000000")),
        [(typeof(OrderPart), "currency")] = ("The ISO 4217 code, upper-case: one of the shop's currencies (by default USD, EUR, GBP, AUD, CAD, CHF, DKK, NOK, SEK).", s => s.Pattern = "^[A-Z]{3}$"),
        [(typeof(OrderPart), "customerId")] = ($"Your id of the buyer: 1 to 32 {IdRule}. Required with CONTRACT_CREATION and SUBSEQUENT_PAYMENT: a contract belongs to one customer.", s => s.Pattern = "^[A-Za-z0-9._-]{1,32}$"),
        [(typeof(OrderPart), "description")] = ("What the buyer pays for, shown on the payment page: 1 to 100 characters.", s => (s.MinLength, s.MaxLength) = (1, 100)),

        [(typeof(PaymentSessionPart), "resultUrl")] = ("Where the buyer's browser goes after an approved payment, with the signed result in its query. An absolute http(s) URL on one of the shop's allowed redirect hosts.", s => s.Format = "uri"),
        [(typeof(PaymentSessionPart), "cancelUrl")] = ("Where the buyer's browser goes after a declined or cancelled payment, with shopID, referenceID, saleID (after a decline), saleResult and securityToken, signed. An absolute http(s) URL on one of the shop's allowed redirect hosts.", s => s.Format = "uri"),
        [(typeof(PaymentSessionPart), "notificationUrl")] = ("Where the gateway's server sends the signed result of an approved payment (GET, answer 200 with the body OK), instead of the shop's postback URL. An absolute http(s) URL on one of the shop's allowed redirect hosts.", s => s.Format = "uri"),

        [(typeof(PaymentSessionPart), "language")] = ("The buyer's language for the payment page and e-mails: en, de, fr, es, it, cs, nl, pl or ru; another value falls back to the browser's language, else English.", null),

        [(typeof(RecurrencePart), "action")] = ("NO_RECURRING (the default): a one-off payment. CONTRACT_CREATION: the card is saved under contractId once the payment is approved after 3-D Secure. SUBSEQUENT_PAYMENT: the buyer pays with the contract's card, without entering it, and authenticates with 3-D Secure.",
            s => s.Enum = Names("NO_RECURRING", "CONTRACT_CREATION", "SUBSEQUENT_PAYMENT")),
        [(typeof(RecurrencePart), "contractId")] = ($"Your unique id of the contract in this shop: 1 to 64 {IdRule}. Required with CONTRACT_CREATION (a new id) and SUBSEQUENT_PAYMENT (an active contract of order.customerId); leave it out with NO_RECURRING.", s => s.Pattern = "^[A-Za-z0-9._-]{1,64}$"),
        [(typeof(RecurrencePart), "contractType")] = ("CIT (a payment the customer starts), the only type; may be left out.", s => s.Enum = Names("CIT")),

        [(typeof(HostedPageCreated), "hostedPage")] = ("The order's payment page: send the buyer's browser here.", s => s.Format = "uri"),
        [(typeof(HostedPageCreated), "securityToken")] = ("A random token of this order. The results sent to resultUrl, cancelUrl and notificationUrl carry it: compare it with the one you kept.", null),
        [(typeof(PaymentLinkCreated), "paymentLink")] = ("The link to send to the buyer: it opens the order's payment page until expiresAt.", s => s.Format = "uri"),
        [(typeof(PaymentLinkCreated), "securityToken")] = ("A random token of this order. The results sent to resultUrl, cancelUrl and notificationUrl carry it: compare it with the one you kept.", null),

        [(typeof(OrderDetails), "orderId")] = ("Your id of the order.", null),
        [(typeof(OrderDetails), "status")] = ("OPEN (waiting for the buyer), PROCESSING, AWAITING_AUTHENTICATION (3-D Secure), APPROVED, DECLINED, EXPIRED or CANCELLED.",
            s => s.Enum = Names("OPEN", "PROCESSING", "AWAITING_AUTHENTICATION", "APPROVED", "DECLINED", "EXPIRED", "CANCELLED")),
        [(typeof(OrderDetails), "channel")] = ("How the order was created: HOSTED_PAGE, PAY_BY_LINK or STARTORDER.", s => s.Enum = Names("HOSTED_PAGE", "PAY_BY_LINK", "STARTORDER")),
        [(typeof(OrderDetails), "amount")] = ("The price in minor units (cents).", null),
        [(typeof(OrderDetails), "currency")] = ("The ISO 4217 code.", null),
        [(typeof(OrderDetails), "customerId")] = ("Your id of the buyer, if the order has one.", null),
        [(typeof(OrderDetails), "description")] = ("What the buyer pays for.", null),
        [(typeof(OrderDetails), "expiresAt")] = ("For a payment link: when it stops working (UTC).", null),
        [(typeof(OrderDetails), "createdAt")] = ("When the order was created (UTC).", null),
        [(typeof(OrderDetails), "operations")] = ("The payment attempts that reached the acquirer, oldest first; empty while the buyer has not paid.", null),

        [(typeof(RecurrenceDetails), "action")] = ("NO_RECURRING, CONTRACT_CREATION or SUBSEQUENT_PAYMENT.", s => s.Enum = Names("NO_RECURRING", "CONTRACT_CREATION", "SUBSEQUENT_PAYMENT")),
        [(typeof(RecurrenceDetails), "contractId")] = ("The contract the order creates or uses.", null),
        [(typeof(RecurrenceDetails), "contractType")] = ("CIT, with a contract.", s => s.Enum = Names("CIT")),

        [(typeof(OperationDetails), "operationId")] = ("The gateway's saleID of this payment attempt.", null),
        [(typeof(OperationDetails), "operationType")] = ("AUTHORIZATION.", s => s.Enum = Names("AUTHORIZATION")),
        [(typeof(OperationDetails), "operationResult")] = ("PENDING (under way, or 3-D Secure), APPROVED, DECLINED, ERROR (the acquirer did not answer: nothing was charged) or REFUNDED.",
            s => s.Enum = Names("PENDING", "APPROVED", "DECLINED", "ERROR", "REFUNDED")),
        [(typeof(OperationDetails), "amount")] = ("The amount in minor units (cents).", null),
        [(typeof(OperationDetails), "currency")] = ("The ISO 4217 code.", null),
        [(typeof(OperationDetails), "paymentCircuit")] = ("The card scheme: VISA, MC, AMEX, DISCOVER, MAESTRO, JCB, DINERSCLUB or UNKNOWN.", null),
        [(typeof(OperationDetails), "paymentInstrumentInfo")] = ("The card, masked: ***4242.", null),
        [(typeof(OperationDetails), "threeDSecureChallenged")] = ("Whether the buyer went through a 3-D Secure challenge.", null),
        [(typeof(OperationDetails), "declineReason")] = ("Why the payment was declined, for your staff.", null),
        [(typeof(OperationDetails), "createdAt")] = ("When the attempt started (UTC).", null),
        [(typeof(OperationDetails), "completedAt")] = ("When the acquirer answered (UTC).", null),

        [(typeof(CustomerContracts), "customerId")] = ("Your id of the customer.", null),
        [(typeof(CustomerContracts), "contracts")] = ("The customer's contracts in this shop, oldest first.", null),

        [(typeof(ContractDetails), "contractId")] = ("Your id of the contract.", null),
        [(typeof(ContractDetails), "contractType")] = ("CIT.", s => s.Enum = Names("CIT")),
        [(typeof(ContractDetails), "status")] = ("ACTIVE, or DEACTIVATED for good.", s => s.Enum = Names("ACTIVE", "DEACTIVATED")),
        [(typeof(ContractDetails), "paymentCircuit")] = ("The card scheme: VISA, MC, AMEX, DISCOVER, MAESTRO, JCB, DINERSCLUB or UNKNOWN.", null),
        [(typeof(ContractDetails), "paymentInstrumentInfo")] = ("The card, masked: ***4242.", null),
        [(typeof(ContractDetails), "expiry")] = ("The card's expiry date, MM/YY.", s => s.Pattern = "^[0-9]{2}/[0-9]{2}$"),
        [(typeof(ContractDetails), "createdAt")] = ("When the contract was created (UTC).", null),
        [(typeof(ContractDetails), "deactivatedAt")] = ("When the contract was deactivated (UTC).", null),

        [(typeof(ApiProblem), "type")] = ("A URI (a URN) that names the kind of problem, e.g. urn:oneclick:problem:invalid-request.", s => s.Format = "uri"),
        [(typeof(ApiProblem), "title")] = ("The kind of problem, in words.", null),
        [(typeof(ApiProblem), "status")] = ("The HTTP status code.", null),
        [(typeof(ApiProblem), "detail")] = ("What went wrong and what to do about it.", null),
        [(typeof(ApiProblem), "errors")] = ("For a body that breaks a rule: each field by its JSON path (e.g. order.amount, paymentSession.recurrence.contractId) with the rules it breaks.", null),
    };

    /// <summary>The types this table describes: the request records and the answers.</summary>
    public static bool Describes(Type type) => RequiredOfRequests.ContainsKey(type) || Properties.Keys.Any(k => k.Item1 == type) || TypeDescriptions.ContainsKey(type);

    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // A record is described as a whole, also where it is reached as a field (the schema is its component's).
        if (Describes(context.JsonTypeInfo.Type))
        {
            DescribeType(schema, context.JsonTypeInfo.Type);
        }
        else if (context.JsonPropertyInfo is { } property)
        {
            DescribeProperty(schema, property.DeclaringType, property.Name);
        }

        return Task.CompletedTask;
    }

    private static void DescribeType(OpenApiSchema schema, Type type)
    {
        if (TypeDescriptions.TryGetValue(type, out var description))
        {
            schema.Description = description;
        }

        schema.Required = RequiredOfRequests.TryGetValue(type, out var required)
            ? new HashSet<string>(required, StringComparer.Ordinal)
            : new HashSet<string>(NonNullable(type), StringComparer.Ordinal);
    }

    private static void DescribeProperty(OpenApiSchema schema, Type declaringType, string name)
    {
        if (Properties.TryGetValue((declaringType, name), out var doc))
        {
            schema.Description = doc.Description;
            doc.Rule?.Invoke(schema);
        }

        if (Requests.Contains(declaringType))
        {
            // A required field sent as null is refused like a missing one.
            if (RequiredOfRequests[declaringType].Contains(name) && schema.Type is { } type)
            {
                schema.Type = type & ~JsonSchemaType.Null;
            }
        }
        else if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer))
        {
            // Answers write numbers as numbers; only requests may send them as strings.
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    /// <summary>The JSON names of the record's non-nullable fields: an answer always has them.</summary>
    private static IEnumerable<string> NonNullable(Type type)
    {
        var nullability = new NullabilityInfoContext();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => !p.PropertyType.IsValueType ? nullability.Create(p).ReadState != NullabilityState.Nullable : Nullable.GetUnderlyingType(p.PropertyType) is null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));
    }

    private static List<JsonNode> Names(params string[] names) => [.. names.Select(n => (JsonNode)JsonValue.Create(n))];
}
