using Gateway.Ca;

namespace Gateway.Ca.Tests;

/// <summary>Keeps what the providers record (the store's place in these tests); <see cref="Fail"/> makes recording throw.</summary>
internal sealed class ListRecorder : IGatewayCertificateRecorder
{
    public List<(IssuedCertificate Certificate, string Role, string IssuerId)> Recorded { get; } = [];

    public bool Fail { get; set; }

    public void Record(IssuedCertificate certificate, string role, string issuerId)
    {
        if (Fail) throw new InvalidOperationException("the store is unavailable");
        Recorded.Add((certificate, role, issuerId));
    }
}
