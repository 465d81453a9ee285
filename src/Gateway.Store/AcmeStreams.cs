namespace Gateway.Store;

/// <summary>Stream ids of ACME resources, apart from every other stream: <c>acme-account:</c>, <c>acme-key:</c>, <c>acme-order:</c>, <c>acme-authz:</c>.</summary>
public static class AcmeStreams
{
    public static string Account(string accountId) => "acme-account:" + accountId;

    public static string Key(string thumbprint) => "acme-key:" + thumbprint;

    public static string Order(string orderId) => "acme-order:" + orderId;

    public static string Authorization(string authorizationId) => "acme-authz:" + authorizationId;
}
