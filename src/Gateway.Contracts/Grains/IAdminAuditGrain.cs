using Gateway.Contracts.Audit;

namespace Gateway.Contracts.Grains;

/// <summary>
/// The admin audit log (a stateless worker; key 0): every admin action appended to the day's stream
/// (<c>admin:&lt;yyyy-MM-dd&gt;</c>), committed before <see cref="RecordAsync"/> returns.
/// </summary>
[Alias("Gateway.IAdminAuditGrain")]
public interface IAdminAuditGrain : IGrainWithIntegerKey
{
    [Alias("RecordAsync")]
    Task RecordAsync(AdminAction action);

    [Alias("QueryAsync")]
    Task<AuditPage> QueryAsync(AuditQuery query);
}
