namespace Gateway.Contracts.Inventory;

/// <summary>Where an enrollment stands.</summary>
[GenerateSerializer, Alias("Gateway.EnrollmentStatus")]
public enum EnrollmentStatus
{
    Requested = 0,
    Approved = 1,
    Rejected = 2,
    Pending = 3,
    Issued = 4,
    /// <summary>Issued and delivered; the requester's confirmation is due (CMP certConf).</summary>
    AwaitingConfirmation = 5,
    /// <summary>Issued, then refused by the requester or not confirmed in time: the certificate is revoked.</summary>
    ConfirmationRefused = 6,
}
