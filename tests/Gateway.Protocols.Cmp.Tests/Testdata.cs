using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;

namespace Gateway.Protocols.Cmp.Tests;

/// <summary>
/// Requests recorded from <c>openssl cmp</c> 3.0 against a gateway (testdata/*.der, with the credential, the signer
/// certificate and the CA chain of that run), and malformed variants of them (testdata/malformed).
/// </summary>
internal static class Testdata
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "testdata");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Dir, name));

    public static PkiMessage Message(string name) => PkiMessage.GetInstance(Asn1Object.FromByteArray(Bytes(name)));

    /// <summary>The credential the MAC-protected requests were made with: (id, secret).</summary>
    public static (string Id, string Secret) Credential()
    {
        var parts = File.ReadAllText(Path.Combine(Dir, "credential.txt")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (parts[0], parts[1]);
    }

    public static X509Certificate2 Certificate(string name) => X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Dir, name));

    /// <summary>The gateway's chain of the recording run (issuing CA first, root last), DER.</summary>
    public static IReadOnlyList<byte[]> Chain()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(Path.Combine(Dir, "chain.pem"));
        return [.. chain.Select(c => c.RawData)];
    }

    /// <summary>The messageTime of a recorded request: the clock the service is given, so the recording stays within the tolerance.</summary>
    public static DateTimeOffset TimeOf(string name) => new(Message(name).Header.MessageTime.ToDateTime(), TimeSpan.Zero);
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
