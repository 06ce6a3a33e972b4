using System.Security.Cryptography;

namespace OneClick.Web.Features.BackOffice.Shops;

/// <summary>A new shop signature key: 32 random characters, shown to the owner once and never again.</summary>
public static class SignatureKeySecret
{
    /// <summary>A key's alphabet leaves out look-alike characters (0/O, 1/l/I): keys get copied by hand.</summary>
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 32);
}
