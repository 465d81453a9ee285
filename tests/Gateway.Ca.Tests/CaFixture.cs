namespace Gateway.Ca.Tests;

/// <summary>One generated CA (default algorithms) shared by a test class; generating keys and PBKDF2 are the slow parts.</summary>
public sealed class CaFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public CaFixture()
    {
        Options = Given.Options(_dir);
        Ca = Given.Ca(Options);
    }

    public CaOptions Options { get; }

    public CertificateAuthority Ca { get; }

    public void Dispose()
    {
        Ca.Dispose();
        _dir.Dispose();
    }
}
