using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Store.Records;

namespace Gateway.Grains;

/// <summary>What a credential allows, decided from its record and the clock: pure functions shared by the credential grains.</summary>
internal static class CredentialRules
{
    public const int MaxSubjects = 100;
    public const int MaxSubjectLength = 255;
    public const int MaxDescriptionLength = 500;

    /// <summary>Revoked, then expired, then exhausted, else active.</summary>
    public static CredentialStatus StatusOf(CredentialRecord record, DateTimeOffset now) => record.Status switch
    {
        "Revoked" => CredentialStatus.Revoked,
        _ when record.ExpiresAt is { } expires && expires <= now => CredentialStatus.Expired,
        _ when record.Status == "Exhausted" || record.MaxUses is { } max && record.Uses >= max => CredentialStatus.Exhausted,
        _ => CredentialStatus.Active,
    };

    public static CredentialInfo ToInfo(CredentialRecord r, DateTimeOffset now) => new(
        r.CredentialId, r.Profile, StatusOf(r, now), r.MaxUses, r.Uses, r.ExpiresAt, r.Subjects, r.Description, r.CreatedAt, r.CreatedBy,
        r.LastUsedAt, r.RevokedAt, r.RevokedBy);

    /// <summary>Whether the credential may be used for <paramref name="profile"/> now; null when it may.</summary>
    public static CredentialCheck? Refusal(CredentialRecord r, string profile, DateTimeOffset now)
    {
        var status = StatusOf(r, now);
        if (status == CredentialStatus.Revoked) return Check(r, CredentialCheckStatus.Revoked, $"the credential was revoked at {r.RevokedAt:O}");
        if (status == CredentialStatus.Expired) return Check(r, CredentialCheckStatus.Expired, $"the credential expired at {r.ExpiresAt:O}");
        if (!string.Equals(ProfileKeys.For(profile), r.Profile, StringComparison.Ordinal))
        {
            return Check(r, CredentialCheckStatus.WrongProfile, $"the credential is for profile '{r.Profile}', not '{profile}'");
        }
        if (status == CredentialStatus.Exhausted)
        {
            return Check(r, CredentialCheckStatus.Exhausted, r.MaxUses == 1 ? "the credential's single use is spent" : $"all {r.MaxUses} uses of the credential are spent");
        }
        return null;
    }

    /// <summary>When the credential names subjects, every requested name must be one of them (case-insensitive), and there must be at least one.</summary>
    public static CredentialCheck? SubjectRefusal(CredentialRecord r, IReadOnlyList<string>? names)
    {
        if (r.Subjects.Length == 0) return null;
        var requested = (names ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToList();
        if (requested.Count == 0) return Check(r, CredentialCheckStatus.SubjectNotAllowed, "the credential is bound to subjects, and the request names none");
        foreach (var name in requested)
        {
            if (!r.Subjects.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return Check(r, CredentialCheckStatus.SubjectNotAllowed, $"'{name}' is not among the subjects the credential is bound to");
            }
        }
        return null;
    }

    public static CredentialCheck Valid(CredentialRecord r) => Check(r, CredentialCheckStatus.Valid, "");

    public static CredentialCheck Check(CredentialRecord? r, CredentialCheckStatus status, string reason) => new(status, reason, r?.Uses ?? 0, r?.MaxUses);

    /// <summary>Checks a spec against the rules that do not need the profile; the message names the field.</summary>
    public static string? Validate(CredentialSpec spec, DateTimeOffset now, out CredentialSpec normalised)
    {
        normalised = spec;
        if (string.IsNullOrWhiteSpace(spec.Profile)) return "'profile' is required.";
        if (spec.MaxUses is < 1) return "'maxUses' must be at least 1 (omit it for no limit).";
        if (spec.ExpiresAt is { } expires && expires <= now) return $"'expiresAt' must be in the future (it is {expires:O}; now is {now:O}).";
        if (spec.Description is { Length: > MaxDescriptionLength }) return $"'description' must be at most {MaxDescriptionLength} characters.";
        var subjects = new List<string>();
        var list = spec.Subjects ?? [];
        if (list.Count > MaxSubjects) return $"'subjects' may name at most {MaxSubjects} values.";
        for (var i = 0; i < list.Count; i++)
        {
            var value = list[i]?.Trim();
            if (string.IsNullOrEmpty(value)) return $"'subjects[{i}]' must not be empty.";
            if (value.Length > MaxSubjectLength) return $"'subjects[{i}]' must be at most {MaxSubjectLength} characters.";
            if (value.Any(char.IsControl)) return $"'subjects[{i}]' must not contain control characters.";
            if (!subjects.Contains(value, StringComparer.OrdinalIgnoreCase)) subjects.Add(value);
        }
        normalised = spec with
        {
            Profile = ProfileKeys.For(spec.Profile),
            ExpiresAt = spec.ExpiresAt?.ToUniversalTime(),
            Subjects = subjects,
            Description = string.IsNullOrWhiteSpace(spec.Description) ? null : spec.Description.Trim(),
        };
        return null;
    }

    /// <summary>"SubjectNotAllowed" → "subject-not-allowed": the machine-readable form in events and rule names.</summary>
    public static string Slug(CredentialCheckStatus status)
    {
        var name = status.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) chars.Append('-');
            chars.Append(char.ToLowerInvariant(name[i]));
        }
        return chars.ToString();
    }
}
