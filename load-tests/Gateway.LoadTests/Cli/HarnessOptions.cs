using Gateway.LoadTests.Running;

namespace Gateway.LoadTests.Cli;

/// <summary>Everything the command line can set, with the defaults the README documents.</summary>
internal sealed class HarnessOptions
{
    public string Scenario { get; set; } = "";

    /// <summary>One or more base URLs; several are used round-robin (a cluster behind no load balancer).</summary>
    public List<Uri> BaseUrls { get; } = [];

    public string? ApiKey { get; set; }

    public string Profile { get; set; } = "web-server";

    public bool Insecure { get; set; }

    public LoadShapeKind Shape { get; set; } = LoadShapeKind.Concurrency;

    public int Concurrency { get; set; } = 32;

    public double Rate { get; set; }

    public int RampFrom { get; set; }

    public int RampTo { get; set; }

    public double RampSeconds { get; set; }

    /// <summary>HTTP connections per server; defaults to the worker count (closed loop) or 64 (open loop).</summary>
    public int? Connections { get; set; }

    /// <summary>Open loop only: requests outstanding at once before the dispatcher waits (latency still counts from the intended send time).</summary>
    public int MaxInFlight { get; set; } = 10_000;

    public double WarmupSeconds { get; set; } = 5;

    /// <summary>Measured seconds; for a ramp without <c>--duration</c>, the ramp's length.</summary>
    public double? DurationSeconds { get; set; }

    public double TimeoutSeconds { get; set; } = 30;

    public string? OutPath { get; set; }

    public int? PoolSize { get; set; }

    /// <summary>Closed loop and ramp: the request rate the default pool size is made for.</summary>
    public double ExpectedRate { get; set; } = 5000;

    public int VerifySample { get; set; } = 20;

    /// <summary>DNS suffix of the generated names: <c>d&lt;n&gt;.&lt;suffix&gt;</c>.</summary>
    public string NameSuffix { get; set; } = "load.test";

    /// <summary>
    /// The CN of every generated CSR (null: the DNS name). EST under the shipped iot-device profile binds the CN to the
    /// caller's client certificate, so est-enroll with one device certificate sends that certificate's CN.
    /// </summary>
    public string? CommonName { get; set; }

    public string? EstUser { get; set; }

    public string? EstPassword { get; set; }

    /// <summary>EST: PEM file of the TLS client certificate (a manufacturer/IDevID certificate the gateway trusts).</summary>
    public string? EstClientCert { get; set; }

    /// <summary>EST: PEM file of the client certificate's private key (defaults to <see cref="EstClientCert"/> itself).</summary>
    public string? EstClientKey { get; set; }

    /// <summary>EST: the path label after <c>/.well-known/est/</c> (selects a profile); null = the default profile.</summary>
    public string? EstLabel { get; set; }

    /// <summary>SCEP: the challengePassword every request carries (a static enrollment credential's secret).</summary>
    public string? ScepChallenge { get; set; }

    /// <summary>SCEP: POST /scep/LABEL (default: /scep, the default profile).</summary>
    public string? ScepLabel { get; set; }

    /// <summary>CMP: the reference (senderKID) and secret of the enrollment credential that MAC-protects every request.</summary>
    public string? CmpReference { get; set; }

    public string? CmpSecret { get; set; }

    /// <summary>CMP: POST /.well-known/cmp/p/LABEL (default: /.well-known/cmp, the default profile).</summary>
    public string? CmpLabel { get; set; }

    /// <summary>ACME: the directory at <c>/acme/PROFILE/directory</c>; null: <c>/acme/directory</c> (the gateway's default profile).</summary>
    public string? AcmeProfile { get; set; }

    /// <summary>ACME: the port of the in-process http-01 responder (the gateway's <c>Gateway:Acme:HttpChallengePort</c>).</summary>
    public int AcmeHttp01Port { get; set; } = 5002;

    /// <summary>ACME: the address the http-01 responder listens on (what the gateway's DNS resolver answers for the names).</summary>
    public string AcmeHttp01Address { get; set; } = "127.0.0.1";

    /// <summary>ACME: accounts created before the run (null: one per worker; 64 for an open loop).</summary>
    public int? AcmeAccounts { get; set; }

    /// <summary>ACME: the longest sleep between two polls of an authorization or order (Retry-After is honoured up to it).</summary>
    public int AcmePollMs { get; set; } = 100;

    /// <summary>PEM file of the root(s) the server's TLS certificate must chain to (instead of the system store).</summary>
    public string? CaCertFile { get; set; }

    public bool Quiet { get; set; }

    /// <summary>Server processes on this machine whose CPU time (with their descendants') the report accounts per request.</summary>
    public List<ServerProcess> ServerPids { get; } = [];

    public double EffectiveDurationSeconds =>
        DurationSeconds ?? (Shape == LoadShapeKind.Ramp ? RampSeconds : 30);

    public int EffectiveConnections => Connections ?? Shape switch
    {
        LoadShapeKind.Concurrency => Concurrency,
        LoadShapeKind.Ramp => Math.Max(RampFrom, RampTo),
        _ => 64,
    };

    public int MaxWorkers => Shape == LoadShapeKind.Ramp ? Math.Max(RampFrom, RampTo) : Concurrency;
}
