using Gateway.Store.Events;

namespace Gateway.Store.Records;

/// <summary>Inline projection of an ACME account stream (document id = <see cref="AcmeStreams.Account"/>).</summary>
public sealed class AcmeAccountRecord
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public long Version { get; set; }
    public string Profile { get; set; } = "";
    public string Jwk { get; set; } = "";
    public string Thumbprint { get; set; } = "";
    public string Status { get; set; } = "valid";
    public string[] Contacts { get; set; } = [];
    public bool TermsOfServiceAgreed { get; set; }
    public string? EabCredentialId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static AcmeAccountRecord Create(AcmeAccountCreated e) => new()
    {
        Id = AcmeStreams.Account(e.AccountId),
        AccountId = e.AccountId,
        Version = 1,
        Profile = e.Profile,
        Jwk = e.Jwk,
        Thumbprint = e.Thumbprint,
        Contacts = e.Contacts,
        TermsOfServiceAgreed = e.TermsOfServiceAgreed,
        EabCredentialId = e.EabCredentialId,
        CreatedAt = e.At,
    };

    public void Apply(AcmeAccountContactsUpdated e)
    {
        Version++;
        Contacts = e.Contacts;
    }

    public void Apply(AcmeAccountDeactivated e)
    {
        Version++;
        Status = "deactivated";
    }

    public void Apply(AcmeAccountKeyChanged e)
    {
        Version++;
        Jwk = e.Jwk;
        Thumbprint = e.Thumbprint;
    }
}

/// <summary>Inline projection of an account key's stream (document id = <see cref="AcmeStreams.Key"/>).</summary>
public sealed class AcmeAccountKeyRecord
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public bool Released { get; set; }

    public static AcmeAccountKeyRecord Create(AcmeAccountKeyBound e) => new() { Id = AcmeStreams.Key(e.Thumbprint), AccountId = e.AccountId };

    public void Apply(AcmeAccountKeyReleased e) => Released = true;
}

/// <summary>Inline projection of an ACME order stream (document id = <see cref="AcmeStreams.Order"/>).</summary>
public sealed class AcmeOrderRecord
{
    public string Id { get; set; } = "";
    public string OrderId { get; set; } = "";
    public long Version { get; set; }
    public string AccountId { get; set; } = "";
    public string Profile { get; set; } = "";
    public AcmeIdentifierData[] Identifiers { get; set; } = [];
    public string[] AuthorizationIds { get; set; } = [];
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? NotAfter { get; set; }
    public string? Replaces { get; set; }
    public DateTimeOffset Expires { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>null (pending or ready, derived from the authorizations), <c>processing</c>, <c>valid</c> or <c>invalid</c>.</summary>
    public string? FinalStatus { get; set; }
    public string? EnrollmentId { get; set; }
    public string? Serial { get; set; }
    public string? ErrorType { get; set; }
    public string? ErrorDetail { get; set; }
    public string? RejectionReason { get; set; }

    public static AcmeOrderRecord Create(AcmeOrderCreated e) => new()
    {
        Id = AcmeStreams.Order(e.OrderId),
        OrderId = e.OrderId,
        Version = 1,
        AccountId = e.AccountId,
        Profile = e.Profile,
        Identifiers = e.Identifiers,
        AuthorizationIds = e.AuthorizationIds,
        NotBefore = e.NotBefore,
        NotAfter = e.NotAfter,
        Replaces = e.Replaces,
        Expires = e.Expires,
        CreatedAt = e.At,
    };

    public void Apply(AcmeOrderFinalizing e)
    {
        Version++;
        FinalStatus = "processing";
        EnrollmentId = e.EnrollmentId;
    }

    public void Apply(AcmeOrderIssued e)
    {
        Version++;
        FinalStatus = "valid";
        Serial = e.Serial;
    }

    public void Apply(AcmeOrderInvalidated e)
    {
        Version++;
        FinalStatus = "invalid";
        ErrorType = e.ErrorType;
        ErrorDetail = e.Detail;
        RejectionReason = e.RejectionReason;
    }
}

/// <summary>Inline projection of an ACME authorization stream (document id = <see cref="AcmeStreams.Authorization"/>).</summary>
public sealed class AcmeAuthorizationRecord
{
    public string Id { get; set; } = "";
    public string AuthorizationId { get; set; } = "";
    public long Version { get; set; }
    public string AccountId { get; set; } = "";
    public string OrderId { get; set; } = "";
    public AcmeIdentifierData Identifier { get; set; } = new("dns", "");
    public bool Wildcard { get; set; }
    public bool PreAuthorized { get; set; }
    public string? PreAuthorizedBy { get; set; }
    public DateTimeOffset Expires { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary><c>pending</c>, <c>valid</c>, <c>invalid</c> or <c>deactivated</c> (expiry is derived from the clock).</summary>
    public string Status { get; set; } = "pending";
    public AcmeChallengeRecord[] Challenges { get; set; } = [];

    public static AcmeAuthorizationRecord Create(AcmeAuthorizationCreated e) => new()
    {
        Id = AcmeStreams.Authorization(e.AuthorizationId),
        AuthorizationId = e.AuthorizationId,
        Version = 1,
        AccountId = e.AccountId,
        OrderId = e.OrderId,
        Identifier = e.Identifier,
        Wildcard = e.Wildcard,
        PreAuthorized = e.PreAuthorized,
        PreAuthorizedBy = e.PreAuthorizedBy,
        Expires = e.Expires,
        CreatedAt = e.At,
        Status = e.PreAuthorized ? "valid" : "pending",
        Challenges = e.Challenges.Select(c => new AcmeChallengeRecord { Type = c.Type, Token = c.Token }).ToArray(),
    };

    public void Apply(AcmeChallengeStarted e)
    {
        Version++;
        foreach (var c in Challenges)
        {
            if (c.Type != e.Type) continue;
            c.Status = "processing";
            c.KeyAuthorization = e.KeyAuthorization;
        }
    }

    public void Apply(AcmeChallengeValidated e)
    {
        Version++;
        Status = "valid";
        foreach (var c in Challenges)
        {
            if (c.Type != e.Type) continue;
            c.Status = "valid";
            c.Validated = e.At;
            c.AddressesUsed = e.AddressesUsed;
        }
    }

    public void Apply(AcmeChallengeFailed e)
    {
        Version++;
        Status = "invalid";
        foreach (var c in Challenges)
        {
            if (c.Type != e.Type) continue;
            c.Status = "invalid";
            c.ErrorType = e.ErrorType;
            c.ErrorDetail = e.Detail;
            c.AddressesUsed = e.AddressesUsed;
        }
    }

    public void Apply(AcmeAuthorizationDeactivated e)
    {
        Version++;
        Status = "deactivated";
    }
}

public sealed class AcmeChallengeRecord
{
    public string Type { get; set; } = "";
    public string Token { get; set; } = "";
    public string Status { get; set; } = "pending";
    public string? KeyAuthorization { get; set; }
    public DateTimeOffset? Validated { get; set; }
    public string? ErrorType { get; set; }
    public string? ErrorDetail { get; set; }
    public string[] AddressesUsed { get; set; } = [];
}
