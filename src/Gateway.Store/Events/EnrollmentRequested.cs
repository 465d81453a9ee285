namespace Gateway.Store.Events;

/// <summary>A front-end handed an enrollment to the pipeline. First event of an enrollment stream (id = enrollment id).</summary>
public sealed record EnrollmentRequested(
    string EnrollmentId,
    string Protocol,
    string Profile,
    string AuthenticationMethod,
    string Principal,
    string TransactionId,
    string Subject,
    string[] SubjectAltNames,
    string Key,
    string? RenewalOf,
    byte[]? Csr,
    DateTimeOffset At);
