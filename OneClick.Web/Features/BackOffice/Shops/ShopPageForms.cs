namespace OneClick.Web.Features.BackOffice.Shops;

/// <summary>A form whose button is all it posts: the form's name says what to do.</summary>
public sealed class EmptyForm
{
}

/// <summary>The key a table row's button posts (<c>Retire.KeyId</c>, <c>RevokeApiKey.KeyId</c>).</summary>
public sealed class KeyChoiceForm
{
    public int KeyId { get; set; }
}

public sealed class ApiKeyForm
{
    public string? Name { get; set; }
}
