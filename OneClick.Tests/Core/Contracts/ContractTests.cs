using System.Reflection;
using OneClick.Core.Cards;
using OneClick.Core.Contracts;
using OneClick.Core.Wallets;

namespace OneClick.Tests.Core.Contracts;

/// <summary>A CIT contract: pending until its first payment is approved, charged only while active, ended for good.</summary>
public class ContractTests
{
    private static readonly DateTime Now = CoreTestData.Now;

    private static readonly DateTime Later = Now.AddHours(1);

    private static readonly byte[] Ciphertext = [1, 2, 3, 4];

    private static Contract NewContract(string card = "4242424242424242") =>
        new(CoreTestData.ShopId, "contract-1", 7, "order-1", CoreTestData.Card(card), new CardExpiry(2030, 12), "Jane Buyer", new EncryptedPan("k1", Ciphertext), Now);

    private static Contract Active()
    {
        var contract = NewContract();
        contract.Activate(Now);
        return contract;
    }

    private static Contract Deactivated()
    {
        var contract = Active();
        contract.Deactivate(Now);
        return contract;
    }

    private static void ShouldRefuse(Contract contract, Action<Contract> move)
    {
        var (state, payments, updated, pan) = (contract.State, contract.Payments, contract.UpdatedAt, contract.EncryptedPan);

        var ex = Should.Throw<ContractStateException>(() => move(contract));

        ex.ShouldBeAssignableTo<InvalidOperationException>();
        ex.Message.ShouldNotBeNullOrWhiteSpace();
        (contract.State, contract.Payments, contract.UpdatedAt, contract.EncryptedPan).ShouldBe((state, payments, updated, pan));
    }

    [Fact]
    public void New_contract_is_pending_and_keeps_only_the_masked_card_and_the_ciphertext()
    {
        var contract = NewContract();

        contract.State.ShouldBe(ContractState.Pending);
        contract.IsChargeable.ShouldBeFalse();
        (contract.ShopId, contract.ContractId, contract.CustomerId, contract.CreatedByOrderId).ShouldBe((CoreTestData.ShopId, "contract-1", 7L, "order-1"));
        (contract.Brand, contract.Bin, contract.LastFour).ShouldBe((CardBrand.Visa, "424242", "4242"));
        contract.Expiry.ShouldBe(new CardExpiry(2030, 12));
        contract.HolderName.ShouldBe("Jane Buyer");
        contract.Pan.ShouldBe(new EncryptedPan("k1", Ciphertext));
        contract.Payments.ShouldBe(0);
        (contract.CreatedAt, contract.UpdatedAt, contract.ActivatedAt, contract.DeactivatedAt).ShouldBe((Now, Now, (DateTime?)null, (DateTime?)null));
    }

    [Fact]
    public void Activate_pending_makes_it_chargeable_with_its_first_payment()
    {
        var contract = NewContract();

        contract.Activate(Later);

        contract.State.ShouldBe(ContractState.Active);
        contract.IsChargeable.ShouldBeTrue();
        contract.Payments.ShouldBe(1);
        (contract.ActivatedAt, contract.UpdatedAt).ShouldBe(((DateTime?)Later, Later));
    }

    [Fact]
    public void Activate_active_contract_is_refused()
    {
        ShouldRefuse(Active(), c => c.Activate(Later));
    }

    [Fact]
    public void Activate_deactivated_contract_is_refused()
    {
        ShouldRefuse(Deactivated(), c => c.Activate(Later));
    }

    [Fact]
    public void Charged_active_contract_counts_the_payment()
    {
        var contract = Active();

        contract.Charged(Later);
        contract.Charged(Later.AddDays(1));

        contract.Payments.ShouldBe(3);
        contract.UpdatedAt.ShouldBe(Later.AddDays(1));
        contract.State.ShouldBe(ContractState.Active);
    }

    [Fact]
    public void Charged_pending_contract_is_refused()
    {
        ShouldRefuse(NewContract(), c => c.Charged(Later));
    }

    [Fact]
    public void Charged_deactivated_contract_is_refused()
    {
        ShouldRefuse(Deactivated(), c => c.Charged(Later));
    }

    [Fact]
    public void Deactivate_active_contract_wipes_the_encrypted_number_and_keeps_the_masked_card()
    {
        var contract = Active();

        contract.Deactivate(Later);

        contract.State.ShouldBe(ContractState.Deactivated);
        contract.IsChargeable.ShouldBeFalse();
        contract.EncryptedPan.ShouldBeEmpty();
        (contract.DeactivatedAt, contract.UpdatedAt).ShouldBe(((DateTime?)Later, Later));
        contract.Masked.ShouldBe("***4242");
        contract.Payments.ShouldBe(1);
    }

    [Fact]
    public void Deactivate_deactivated_contract_changes_nothing()
    {
        var contract = Deactivated();

        contract.Deactivate(Later.AddDays(1));

        contract.State.ShouldBe(ContractState.Deactivated);
        (contract.DeactivatedAt, contract.UpdatedAt).ShouldBe(((DateTime?)Now, Now));
    }

    [Fact]
    public void Deactivate_pending_contract_is_refused()
    {
        ShouldRefuse(NewContract(), c => c.Deactivate(Later));
    }

    [Theory]
    [InlineData("4242424242424242", "***4242", "Visa •••• 4242")]
    [InlineData("5555555555554444", "***4444", "Mastercard •••• 4444")]
    [InlineData("378282246310005", "***0005", "American Express •••• 0005")]
    public void Masked_shows_only_the_last_four(string card, string masked, string display)
    {
        var contract = NewContract(card);

        contract.Masked.ShouldBe(masked);
        contract.Display.ShouldBe(display);
    }

    [Fact]
    public void Contract_never_holds_a_cvc_or_the_full_number()
    {
        var properties = typeof(Contract).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        var fields = typeof(Contract).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        var constructorParameters = typeof(Contract).GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).SelectMany(c => c.GetParameters());

        properties.ShouldNotContain(p => p.PropertyType == typeof(Cvc) || p.PropertyType == typeof(CardNumber));
        properties.ShouldNotContain(p => p.Name.Contains("Cvc", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("Cvv", StringComparison.OrdinalIgnoreCase));
        fields.ShouldNotContain(f => f.FieldType == typeof(Cvc) || f.FieldType == typeof(CardNumber));
        constructorParameters.ShouldNotContain(p => p.ParameterType == typeof(Cvc));

        var contract = NewContract();
        var texts = properties.Where(p => p.PropertyType == typeof(string)).Select(p => (string?)p.GetValue(contract) ?? "");
        texts.ShouldNotContain(t => t.Contains("4242424242424242", StringComparison.Ordinal));
    }
}
