using System.Security.Cryptography;

namespace Gateway.Ca.Tests;

/// <summary><c>Gateway:Ca:Directory</c>: cluster nodes with their own data directories share one CA.</summary>
public sealed class CaSharedDirectoryTests : IDisposable
{
    private readonly TempDirectory _shared = new();
    private readonly TempDirectory _nodeA = new();
    private readonly TempDirectory _nodeB = new();

    public void Dispose()
    {
        _shared.Dispose();
        _nodeA.Dispose();
        _nodeB.Dispose();
    }

    private CaOptions Node(TempDirectory dataDir) => new() { DataDir = dataDir.Path, Directory = _shared.Combine("ca"), Passphrase = null };

    [Fact]
    public void Constructor_twoNodesStartingAtOnceOnOneSharedDirectory_generateOneCaAndBothUseIt()
    {
        var starts = new[] { Node(_nodeA), Node(_nodeB) }.AsParallel().Select(o => Given.Ca(o)).ToArray();
        try
        {
            Assert.Equal(starts[0].RootCertificateDer, starts[1].RootCertificateDer);
            Assert.Equal(starts[0].GetIssuer("").Certificate.RawData, starts[1].GetIssuer("").Certificate.RawData);
            Assert.True(File.Exists(_shared.Combine("ca", "issuing.key")));
            Assert.True(File.Exists(_shared.Combine("ca", "passphrase"))); // dev mode: the passphrase is shared with the keys
            Assert.False(Directory.Exists(_nodeA.Combine("ca")));
            Assert.False(Directory.Exists(_nodeB.Combine("ca")));
        }
        finally
        {
            foreach (var ca in starts) ca.Dispose();
        }
    }

    [Fact]
    public void Constructor_nodeWithoutSharedDirectory_generatesItsOwnDifferentCa()
    {
        using var shared = Given.Ca(Node(_nodeA));
        using var own = Given.Ca(new CaOptions { DataDir = _nodeB.Path, Passphrase = Given.Passphrase });
        Assert.NotEqual(SHA256.HashData(shared.RootCertificateDer), SHA256.HashData(own.RootCertificateDer));
        Assert.True(File.Exists(_nodeB.Combine("ca", "root.crt")));
    }
}
