using Gateway.Protocols.Common;

namespace Gateway.Protocols.Scep;

/// <summary>
/// The outcome of reading a PKIOperation message: a request; or a failure that can be answered with a signed CertRep
/// (<see cref="Transaction"/> is known); or a message too broken for that (<see cref="Transaction"/> null: HTTP 400).
/// </summary>
internal sealed record ScepReadResult(ScepRequest? Request, ScepTransaction? Transaction, ScepFailInfo FailInfo, string Error)
{
    public static ScepReadResult Success(ScepRequest request) => new(request, request.Transaction, default, "");
}
