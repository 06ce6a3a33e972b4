using OneClick.Core.Orders;

namespace OneClick.Tests.Core.Orders;

public sealed class BillingAddressTests
{
    [Fact]
    public void Parse_valid_address_trims_and_upper_cases_codes()
    {
        var (address, errors) = BillingAddress.Parse(" Hauptstraße 5 ", "10115", " Berlin ", "de");

        errors.ShouldBeEmpty();
        address.ShouldBe(new BillingAddress("Hauptstraße 5", "10115", "Berlin", "DE"));
    }

    [Fact]
    public void Parse_empty_fields_names_each_one()
    {
        var (address, errors) = BillingAddress.Parse(null, " ", "", null);

        address.ShouldBeNull();
        errors.Keys.ShouldBe(["street", "postal", "city", "country"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("4242424242424242 Main St")]
    public void Parse_card_number_in_the_street_is_refused(string street)
    {
        var (address, errors) = BillingAddress.Parse(street, "10115", "Berlin", "DE");

        address.ShouldBeNull();
        errors["street"].ShouldNotContain("4242");
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("DEU")]
    [InlineData("Germany")]
    public void Parse_unknown_country_is_refused(string country) =>
        BillingAddress.Parse("Main St 1", "10115", "Berlin", country).Errors.Keys.ShouldBe(["country"]);

    [Fact]
    public void Countries_list_the_common_ones_once()
    {
        BillingAddress.Countries.Select(c => c.Code).ShouldContain("DE");
        BillingAddress.Countries.Select(c => c.Code).ShouldContain("US");
        BillingAddress.Countries.Select(c => c.Code).ShouldBeUnique();
    }
}
