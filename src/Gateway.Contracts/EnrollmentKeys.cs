namespace Gateway.Contracts;

public static class EnrollmentKeys
{
    public static string For(EnrollmentProtocol protocol, string transactionId) =>
        $"{protocol.ToString().ToLowerInvariant()}:{transactionId}";
}
