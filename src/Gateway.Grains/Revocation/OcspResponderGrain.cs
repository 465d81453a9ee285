using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;
using Orleans.Concurrency;

namespace Gateway.Grains.Revocation;

/// <summary>The OCSP responder, local to every silo; reentrant so store reads of cache misses do not queue the hits behind them.</summary>
[StatelessWorker, Reentrant]
internal sealed class OcspResponderGrain(OcspResponseCache cache) : Grain, IOcspResponderGrain
{
    public Task<OcspAnswer> RespondAsync(OcspCertificateRequest request)
    {
        var answer = cache.RespondAsync(request);
        return answer.IsCompletedSuccessfully ? Task.FromResult(answer.Result) : answer.AsTask();
    }
}
