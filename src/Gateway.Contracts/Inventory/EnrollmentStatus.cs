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
}
