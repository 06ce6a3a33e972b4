using OneClick.Core.Customers;

namespace OneClick.Tests.Core.Customers;

public sealed class CustomerUnionTests
{
    private static readonly DateTime T0 = CoreTestData.Now;

    [Fact]
    public void New_union_trims_its_name_and_takes_200_characters()
    {
        new CustomerUnion("  Cam group ", T0).Name.ShouldBe("Cam group");
        new CustomerUnion(new string('u', 200), T0).Name.Length.ShouldBe(200);
        new CustomerUnion("  " + new string('u', 200) + "  ", T0).Name.Length.ShouldBe(200);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void New_union_without_a_name_is_refused(string name) =>
        Should.Throw<ArgumentException>(() => new CustomerUnion(name, T0));

    [Fact]
    public void New_union_with_201_characters_is_refused() =>
        Should.Throw<ArgumentException>(() => new CustomerUnion(new string('u', 201), T0)).Message.ShouldContain("at most 200 characters");

    [Fact]
    public void Rename_with_201_characters_is_refused_and_keeps_the_name()
    {
        var union = new CustomerUnion("Cam group", T0);

        Should.Throw<ArgumentException>(() => union.Rename(new string('u', 201)));

        union.Name.ShouldBe("Cam group");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(" ", false)]
    [InlineData("a", true)]
    public void IsValidName_needs_a_character_that_is_not_white_space(string? name, bool valid) =>
        CustomerUnion.IsValidName(name).ShouldBe(valid);

    [Fact]
    public void IsValidName_counts_200_characters_after_trimming()
    {
        CustomerUnion.IsValidName(" " + new string('u', 200) + " ").ShouldBeTrue();
        CustomerUnion.IsValidName(new string('u', 201)).ShouldBeFalse();
    }
}
