using System.Globalization;
using Gateway.LoadTests.Running;

namespace Gateway.LoadTests.Cli;

/// <summary>Parses <c>--name value</c> and <c>--name=value</c> arguments into <see cref="HarnessOptions"/>.</summary>
internal static class OptionParser
{
    public const string Usage = """
        gateway-load — load harness for the gateway (and the cfssl yardstick)

        usage: dotnet run -c Release --project load-tests/Gateway.LoadTests -- <scenario> [options]
               (or --scenario <name>; --list shows the scenarios)

        target
          --target URL          server base URL; repeat it to spread requests round-robin over several nodes
                                (a cluster without a load balancer); default http://127.0.0.1:5000
                                (--base-url is the same option)
          --insecure            accept any TLS server certificate
          --cacert FILE         PEM root(s) the server's TLS certificate must chain to (e.g. the gateway's
                                /ca/root.pem); without it and without --insecure the system store decides
          --timeout S           per-request timeout in seconds (default 30)

        admin-enroll
          --api-key KEY         admin API key (default: env GATEWAY_API_KEY); est-enroll uses it, when
                                given, only to check a sample of the issued serials afterwards
          --profile NAME        enrollment profile (default web-server)

        est-enroll (HTTPS; authenticate with a client certificate, HTTP Basic, or both)
          --est-client-cert F   PEM TLS client certificate, e.g. a device (IDevID) certificate under a
                                manufacturer CA the gateway trusts (--Gateway:Est:TrustAnchors:0=<ca.pem>)
          --est-client-key F    its PEM private key (default: read from the --est-client-cert file)
          --est-basic ID:SECRET HTTP Basic with an enrollment credential (or --est-user/--est-password,
                                env GATEWAY_EST_USER/GATEWAY_EST_PASSWORD)
          --est-label LABEL     POST /.well-known/est/LABEL/simpleenroll (default: the unlabelled path)
          --scep-challenge SECRET  scep-enroll: the challengePassword of every request (a static credential's secret)
          --scep-label LABEL    scep-enroll: POST /scep/LABEL (default: /scep)
          --cmp-credential ID:SECRET  cmp-ir: the enrollment credential whose secret MAC-protects every request
          --cmp-label LABEL     cmp-ir: POST /.well-known/cmp/p/LABEL (default: /.well-known/cmp)

        acme-issue (newAccount once per account; per request newOrder, http-01, finalize, download)
          --acme-profile NAME   the directory /acme/NAME/directory (default: /acme/directory, the
                                gateway's default ACME profile, web-server)
          --acme-http01-port P  port of the in-process http-01 responder (default 5002); the gateway must
                                run with --Gateway:Acme:HttpChallengePort=P and a DNS resolver
                                (--Gateway:Acme:DnsResolver) answering the responder's address for *.load.test
          --acme-http01-address A  address the responder listens on (default 127.0.0.1)
          --acme-accounts N     ACME accounts made before the run (default: one per worker, 64 for --rate)
          --acme-poll-ms MS     longest sleep between polls of an authorization or order (default 100;
                                the gateway's Retry-After is honoured up to it)

        load shape (pick one; default --concurrency 32)
          --concurrency N       closed loop: N workers, each sends when its previous request answered
          --rate R              open loop: R requests/s at fixed intervals; latency counts from the intended
                                send time, so a stalled server is not hidden (no coordinated omission)
          --ramp F:T:S          closed loop, workers grow linearly from F to T over S seconds, then hold
          --connections N       HTTP connections per server (default: workers; 64 for --rate)
          --max-in-flight N     --rate only: outstanding requests before the dispatcher waits (default 10000)
          --warmup S            seconds run but not measured (default 5)
          --duration S          measured seconds (default 30; for --ramp, the ramp's S)

        key material (generated before the clock starts: a fresh P-256 key and CSR per request)
          --pool N              number of CSRs to generate (default: rate x (warmup+duration), with
                                --expected-rate for closed loops); if the run needs more, the pool wraps
                                around and the report says so
          --expected-rate R     closed loop / ramp: requests/s the default pool is sized for (default 5000)
          --name-suffix S       names are d<n>.<S> (default load.test)
          --common-name CN      the CN of every CSR (default: its DNS name); EST under a profile binding the CN to
                                the client certificate needs that certificate's CN

        report
          --out FILE            JSON report (default load-tests/results/<scenario>-<time>.json, or
                                results/... when not started from the repository root)
          --verify-sample N     admin-enroll: afterwards GET N random issued serials (default 20; 0 = off)
          --quiet               no per-second progress line
          --server-pid [L=]PID  (same machine) report the CPU time of PID and its descendants in the measured
                                window, by command name, per successful request; repeatable. With a label
                                (node2=4711) its processes are reported as L:<command>, one line per node
        """;

    public static bool IsHelp(string[] args) =>
        args.Length == 0 || args.Any(a => a is "-h" or "--help" or "-?" or "help");

    public static HarnessOptions Parse(string[] args)
    {
        var o = new HarnessOptions();
        var shapes = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (o.Scenario.Length != 0) throw new UsageException($"unexpected argument '{arg}' (scenario is already '{o.Scenario}')");
                o.Scenario = arg;
                continue;
            }
            string name;
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[2..eq];
                inline = arg[(eq + 1)..];
            }
            else
            {
                name = arg[2..];
            }
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Length) throw new UsageException($"--{name} needs a value");
                return args[++i];
            }
            switch (name)
            {
                case "scenario": o.Scenario = Value(); break;
                case "target" or "base-url": o.BaseUrls.Add(ParseBaseUrl(name, Value())); break;
                case "api-key": o.ApiKey = Value(); break;
                case "profile": o.Profile = Value(); break;
                case "est-user": o.EstUser = Value(); break;
                case "est-password": o.EstPassword = Value(); break;
                case "insecure": o.Insecure = true; break;
                case "cacert": o.CaCertFile = ExistingFile(name, Value()); break;
                case "est-client-cert": o.EstClientCert = ExistingFile(name, Value()); break;
                case "est-client-key": o.EstClientKey = ExistingFile(name, Value()); break;
                case "est-label": o.EstLabel = ParseLabel(Value()); break;
                case "scep-challenge": o.ScepChallenge = Value(); break;
                case "scep-label": o.ScepLabel = ParseLabel(Value()); break;
                case "cmp-label": o.CmpLabel = ParseLabel(Value()); break;
                case "cmp-credential":
                    var credential = Value();
                    var separator = credential.IndexOf(':', StringComparison.Ordinal);
                    if (separator <= 0) throw new UsageException("--cmp-credential must be id:secret");
                    o.CmpReference = credential[..separator];
                    o.CmpSecret = credential[(separator + 1)..];
                    break;
                case "est-basic":
                    var basic = Value();
                    var colon = basic.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0) throw new UsageException("--est-basic must be id:secret");
                    o.EstUser = basic[..colon];
                    o.EstPassword = basic[(colon + 1)..];
                    break;
                case "acme-profile": o.AcmeProfile = ParseLabel(Value()); break;
                case "acme-http01-port":
                    o.AcmeHttp01Port = PositiveInt(name, Value());
                    if (o.AcmeHttp01Port > 65535) throw new UsageException("--acme-http01-port must be a TCP port (1-65535)");
                    break;
                case "acme-http01-address":
                    o.AcmeHttp01Address = System.Net.IPAddress.TryParse(Value(), out var address)
                        ? address.ToString() : throw new UsageException("--acme-http01-address must be an IP address");
                    break;
                case "acme-accounts": o.AcmeAccounts = PositiveInt(name, Value()); break;
                case "acme-poll-ms": o.AcmePollMs = PositiveInt(name, Value()); break;
                case "timeout": o.TimeoutSeconds = PositiveDouble(name, Value()); break;
                case "concurrency":
                    o.Shape = LoadShapeKind.Concurrency; o.Concurrency = PositiveInt(name, Value()); shapes++; break;
                case "rate":
                    o.Shape = LoadShapeKind.Rate; o.Rate = PositiveDouble(name, Value()); shapes++; break;
                case "ramp":
                    o.Shape = LoadShapeKind.Ramp; ParseRamp(Value(), o); shapes++; break;
                case "connections": o.Connections = PositiveInt(name, Value()); break;
                case "max-in-flight": o.MaxInFlight = PositiveInt(name, Value()); break;
                case "warmup": o.WarmupSeconds = NonNegativeDouble(name, Value()); break;
                case "duration": o.DurationSeconds = PositiveDouble(name, Value()); break;
                case "pool": o.PoolSize = PositiveInt(name, Value()); break;
                case "expected-rate": o.ExpectedRate = PositiveDouble(name, Value()); break;
                case "name-suffix": o.NameSuffix = Value().Trim('.'); break;
                case "common-name": o.CommonName = Value(); break;
                case "out": o.OutPath = Value(); break;
                case "verify-sample":
                    o.VerifySample = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                        ? v : throw new UsageException("--verify-sample must be a whole number >= 0");
                    break;
                case "quiet": o.Quiet = true; break;
                case "server-pid": o.ServerPids.Add(ServerPid(Value())); break;
                default: throw new UsageException($"unknown option --{name} (see --help)");
            }
        }
        if (shapes > 1) throw new UsageException("give one load shape: --concurrency, --rate or --ramp");
        if (o.Insecure && o.CaCertFile is not null) throw new UsageException("give either --insecure or --cacert, not both");
        if (o.EstClientKey is not null && o.EstClientCert is null) throw new UsageException("--est-client-key needs --est-client-cert");
        if (o.Scenario.Length == 0) throw new UsageException("name a scenario (see --list)");
        if (o.BaseUrls.Count == 0) o.BaseUrls.Add(new Uri("http://127.0.0.1:5000/"));
        o.ApiKey ??= NullIfEmpty(Environment.GetEnvironmentVariable("GATEWAY_API_KEY"));
        o.EstUser ??= NullIfEmpty(Environment.GetEnvironmentVariable("GATEWAY_EST_USER"));
        o.EstPassword ??= NullIfEmpty(Environment.GetEnvironmentVariable("GATEWAY_EST_PASSWORD"));
        return o;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static Uri ParseBaseUrl(string name, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new UsageException($"--{name} '{text}' is not an absolute http(s) URL without query or fragment");
        }
        // A trailing slash makes relative paths ("api/v1/...") append to a path base instead of replacing its last segment.
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static string ExistingFile(string name, string path) =>
        File.Exists(path) ? path : throw new UsageException($"--{name}: file '{path}' does not exist");

    private static string ParseLabel(string label)
    {
        label = label.Trim('/');
        if (label.Length == 0 || label.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new UsageException($"--est-label '{label}' must be a non-empty path segment of letters, digits, '-', '_' or '.'");
        }
        return label;
    }

    private static void ParseRamp(string text, HarnessOptions o)
    {
        var parts = text.Split(':');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || from < 1 || to < 1 || seconds <= 0)
        {
            throw new UsageException($"--ramp '{text}' must be from:to:seconds, e.g. 1:64:60 (workers >= 1, seconds > 0)");
        }
        o.RampFrom = from;
        o.RampTo = to;
        o.RampSeconds = seconds;
    }

    private static ServerProcess ServerPid(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var label = eq < 0 ? null : text[..eq].Trim();
        if (label is { Length: 0 }) throw new UsageException("--server-pid: the label before '=' is empty (LABEL=PID)");
        return new ServerProcess(PositiveInt("server-pid", eq < 0 ? text : text[(eq + 1)..]), label);
    }

    private static int PositiveInt(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new UsageException($"--{name} must be a whole number > 0, not '{text}'");

    private static double PositiveDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v : throw new UsageException($"--{name} must be a number > 0, not '{text}'");

    private static double NonNegativeDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v)
            ? v : throw new UsageException($"--{name} must be a number >= 0, not '{text}'");
}
