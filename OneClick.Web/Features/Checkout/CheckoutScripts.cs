namespace OneClick.Web.Features.Checkout;

/// <summary>
/// The only scripts the payment pages load, each pinned by its integrity hash (PCI DSS 6.4.3; the
/// inventory is docs/scripts.md, and a test keeps the three in step).
/// </summary>
public static class CheckoutScripts
{
    /// <summary>The file's own path; pages link its fingerprinted address (<c>Assets[...]</c>), cached for a year.</summary>
    public const string CardFormPath = "/js/card-form.js";

    public const string CardFormIntegrity = "sha384-bdH/jIH5+XX7hvv4NLpl1FqAa1BVCSxq85XbEa59XQgZDzcgjmHkyx3whmR6urLP";
}
