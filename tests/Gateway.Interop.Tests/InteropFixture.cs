using Gateway.TestSupport;

namespace Gateway.Interop.Tests;

/// <summary>
/// One gateway process per test run, started as the README says, plus a "manufacturer" CA made with OpenSSL whose
/// device certificates (IDevIDs) the EST front-end is configured to trust.
/// </summary>
public sealed class InteropFixture : IAsyncLifetime
{
    public const string AdminKey = "interop-admin-key-0123456789";

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "gateway-interop-" + Guid.NewGuid().ToString("N")[..12]);
    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>root.pem (the gateway's root) and chain.pem (issuing CA then root) in <see cref="Dir"/>.</summary>
    public string RootPem => Path.Combine(Dir, "root.pem");
    public string ChainPem => Path.Combine(Dir, "chain.pem");
    public string ManufacturerCaPem => Path.Combine(Dir, "mfg-ca.pem");
    public string ManufacturerCaKey => Path.Combine(Dir, "mfg-ca.key");

    /// <summary>The shipped profiles plus test-only ones (testdata/policies).</summary>
    public static string PoliciesDir => Path.Combine(AppContext.BaseDirectory, "testdata", "policies");

    /// <summary>EST label of the profile that needs manual approval (est-manual-device).</summary>
    public const string ManualLabel = "manual";

    /// <summary>The mock DNS server of ACME validation (every name is 127.0.0.1).</summary>
    public ChallengeTestServer AcmeDns { get; private set; } = null!;

    /// <summary>The port ACME http-01 validation connects to: certbot's standalone server listens there (tests take turns).</summary>
    public int AcmeHttp01Port { get; } = GatewayProcess.FreePort();

    /// <summary>ACME profile (test-only) that requires External Account Binding and pre-authorises its credentials' subjects.</summary>
    public const string AcmeEabProfile = "acme-eab-server";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        AcmeDns = ChallengeTestServer.Start();
        Tools.Ok(Dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
            "-subj", "/O=Acme Devices/CN=Acme Manufacturer CA", "-addext", "basicConstraints=critical,CA:true",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", ManufacturerCaKey, "-out", ManufacturerCaPem);
        Gateway = await GatewayProcess.StartAsync(Path.Combine(Dir, "data"),
            new Dictionary<string, string> { ["Gateway__Admin__BootstrapApiKey"] = AdminKey },
            [
                $"--Gateway:Est:TrustAnchors:0={ManufacturerCaPem}",
                $"--Gateway:Cmp:ProfileTrustAnchors:cmp-idevid-element:0={ManufacturerCaPem}",
                $"--Gateway:Policies:Path={PoliciesDir}",
                $"--Gateway:Est:Labels:{ManualLabel}=est-manual-device",
                // Every test client is 127.0.0.1 and several tests send wrong secrets on purpose: EstCredentialGuessingTests tests the limit.
                "--Gateway:EnrollmentPort:CredentialFailureLimit=100000",
                // micromdm's scepclient 2.1 (Debian's scep package) sends DES-CBC whatever GetCACaps says.
                "--Gateway:Scep:AllowSingleDes=true",
                // scepclient names its transactions by the key's hash (SHA-1 of the key, base64): the strict check holds for it.
                "--Gateway:Scep:RequireKeyHashTransactionId=true",
                // ACME validation: names resolved by pebble-challtestsrv (all 127.0.0.1), http-01 on certbot's standalone port.
                $"--Gateway:Acme:DnsResolver=127.0.0.1:{AcmeDns.DnsPort}",
                $"--Gateway:Acme:HttpChallengePort={AcmeHttp01Port}",
                $"--Gateway:Acme:PreAuthorizedProfiles:0={AcmeEabProfile}",
            ]);
        using var http = new HttpClient { BaseAddress = new Uri(Gateway.HttpUrl) };
        await File.WriteAllTextAsync(RootPem, await http.GetStringAsync("/ca/root.pem"));
        await File.WriteAllTextAsync(ChainPem, await http.GetStringAsync("/ca/chain.pem"));
    }

    /// <summary>A fresh working directory for one test.</summary>
    public string NewWorkDir(string name)
    {
        var dir = Path.Combine(Dir, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>An IDevID: a P-256 device key and certificate issued by the manufacturer CA, in <paramref name="dir"/>.</summary>
    public (string Cert, string Key) ManufacturerDevice(string dir, string cn)
    {
        var key = Path.Combine(dir, "idevid.key");
        var csr = Path.Combine(dir, "idevid.csr");
        var cert = Path.Combine(dir, "idevid.pem");
        Tools.Ok(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn, "-keyout", key, "-out", csr);
        Tools.Ok(dir, "openssl", "x509", "-req", "-in", csr, "-CA", ManufacturerCaPem, "-CAkey", ManufacturerCaKey, "-days", "7", "-out", cert);
        return (cert, key);
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        AcmeDns?.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<InteropFixture>
{
    public const string Name = "interop";
}
