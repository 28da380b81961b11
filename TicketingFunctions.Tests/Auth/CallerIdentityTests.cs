using System.Security.Cryptography;
using System.Text;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tests.Auth;

public sealed class CallerIdentityTests
{
    public static TheoryData<string?, string?> Identities() => new()
    {
        { "http://localhost:7071/realms/demo", "user@example.com" },
        { "https://login.microsoftonline.com/0000/v2.0", "Zx9-aB_c" },
        { "iss", "jörg ✓ \ud83d\ude00" },
        { "iss", "lone \ud800 surrogate" },
        { new string('i', 300), new string('é', 300) },   // past the stack buffer: a rented one
        { null, "subject" },
        { "issuer", null },
    };

    [Theory]
    [MemberData(nameof(Identities))]
    public void The_key_is_the_lowercase_hex_sha256_of_the_canonical_text_in_utf8(string? issuer, string? subject)
    {
        var identity = new CallerIdentity(issuer, subject);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity.Canonical))), identity.Key);
    }
}
