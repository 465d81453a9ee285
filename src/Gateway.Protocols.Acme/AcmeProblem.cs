namespace Gateway.Protocols.Acme;

/// <summary>An ACME error (RFC 8555 §6.7): the problem type under <c>urn:ietf:params:acme:error:</c>, a detail, the HTTP status.</summary>
public sealed class AcmeProblem(string type, string detail, int status = 400) : Exception(detail)
{
    public const string Prefix = "urn:ietf:params:acme:error:";

    /// <summary>The short type, e.g. <c>malformed</c>, <c>badNonce</c>, <c>badSignatureAlgorithm</c>.</summary>
    public string Type { get; } = type;

    public int Status { get; } = status;

    /// <summary>For <c>badSignatureAlgorithm</c>: the algorithms accepted (RFC 8555 §6.2).</summary>
    public IReadOnlyList<string>? Algorithms { get; init; }

    /// <summary>Per-identifier problems (RFC 8555 §6.7.1), as JSON objects with type, detail and identifier.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonNode>? Subproblems { get; init; }

    public static AcmeProblem Malformed(string detail) => new("malformed", detail);

    public static AcmeProblem BadPublicKey(string detail) => new("badPublicKey", detail);

    public static AcmeProblem Unauthorized(string detail) => new("unauthorized", detail, 401);

    public static AcmeProblem BadSignatureAlgorithm(string detail, IReadOnlyList<string> algorithms) =>
        new("badSignatureAlgorithm", detail) { Algorithms = algorithms };
}
