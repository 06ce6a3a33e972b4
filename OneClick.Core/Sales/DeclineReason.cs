namespace OneClick.Core.Sales;

public enum DeclineReason
{
    CardDeclined,
    InsufficientFunds,
    IncorrectCvc,
    ExpiredCard,
    AuthenticationFailed,
    AcquirerUnavailable,

    /// <summary>Refused by the gateway before the acquirer: over the shop's one-click turnover limit (rule 9).</summary>
    TurnoverLimitReached,

    /// <summary>Refused by the gateway: the merchant deactivated the contract while the buyer authenticated.</summary>
    ContractDeactivated,

    /// <summary>The buyer never finished the 3-D Secure challenge: given up by the gateway, nothing charged.</summary>
    AuthenticationAbandoned,
}

public static class DeclineReasonText
{
    /// <summary>The reason for merchant staff in the back-office and its CSV export.</summary>
    public static string ForStaff(this DeclineReason reason) => reason switch
    {
        DeclineReason.CardDeclined => "Card declined by the bank",
        DeclineReason.InsufficientFunds => "Insufficient funds",
        DeclineReason.IncorrectCvc => "Incorrect CVC",
        DeclineReason.ExpiredCard => "Card expired",
        DeclineReason.AuthenticationFailed => "3-D Secure authentication failed",
        DeclineReason.AcquirerUnavailable => "Card network unavailable (nothing charged)",
        DeclineReason.TurnoverLimitReached => "Over the shop's one-click turnover limit",
        DeclineReason.ContractDeactivated => "The contract was deactivated during the payment",
        DeclineReason.AuthenticationAbandoned => "3-D Secure not completed (given up after 30 minutes)",
        _ => reason.ToString(),
    };

    /// <summary>The reason in plain words, for the buyer.</summary>
    public static string ForBuyer(this DeclineReason reason) => reason switch
    {
        DeclineReason.CardDeclined => "Your bank declined the payment. Try another card, or contact your bank.",
        DeclineReason.InsufficientFunds => "The card has insufficient funds for this payment. Try another card.",
        DeclineReason.IncorrectCvc => "The security code (CVC) is not correct. Check the code on the back of the card and try again.",
        DeclineReason.ExpiredCard => "Your bank reports that this card has expired. Try another card.",
        DeclineReason.AuthenticationFailed => "The payment was not authenticated by your bank (3-D Secure), so it was not made. You can try again.",
        DeclineReason.AcquirerUnavailable => "We could not reach the card network. Nothing was charged: please try again in a moment.",
        DeclineReason.AuthenticationAbandoned => "The payment was not confirmed with your bank (3-D Secure) in time, so it was not made and nothing was charged. You can try again.",
        DeclineReason.ContractDeactivated => "This saved card can no longer be charged by this shop, so nothing was charged. Please return to the shop.",
        DeclineReason.TurnoverLimitReached => "This payment would go over the limit this shop sets on one-click payments for a day or a week, so it was not made and nothing was charged. You can pay by entering your card details in full.",
        _ => "The payment was declined.",
    };
}
