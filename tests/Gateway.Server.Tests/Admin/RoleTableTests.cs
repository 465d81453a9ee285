using System.Net;
using System.Text;
using Gateway.Server.Tests;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Server.Tests.Admin;

/// <summary>
/// The README's role table as data, checked against every admin endpoint the server maps: each endpoint with no key
/// (401), with each role (403 when the table says no, anything but 401/403/5xx when it says yes). An endpoint missing
/// from the table fails the test, so the table and the code stay one.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RoleTableTests(GatewayFixture gateway)
{
    private const string All = "admin,auditor,policy-admin";
    private const string ReadAll = "admin,auditor";
    private const string Admin = "admin";
    private const string Policy = "admin,policy-admin";

    /// <summary>(method, route pattern) → the roles that may call it, with a concrete path and body that change nothing.</summary>
    private static readonly (string Method, string Pattern, string Roles, string Path, string? Body)[] Table =
    [
        ("POST", "/api/v1/enrollments/", Admin, "/api/v1/enrollments", "{}"),
        ("GET", "/api/v1/enrollments/", All, "/api/v1/enrollments", null),
        ("GET", "/api/v1/enrollments/{id}", All, "/api/v1/enrollments/admin:role-table-unknown", null),
        ("POST", "/api/v1/enrollments/{id}/approve", Admin, "/api/v1/enrollments/admin:role-table-unknown/approve", null),
        ("POST", "/api/v1/enrollments/{id}/deny", Admin, "/api/v1/enrollments/admin:role-table-unknown/deny", "{}"),
        ("GET", "/api/v1/certificates/", ReadAll, "/api/v1/certificates", null),
        ("GET", "/api/v1/certificates/{serial}", ReadAll, "/api/v1/certificates/0abc", null),
        ("GET", "/api/v1/certificates/{serial}/history", ReadAll, "/api/v1/certificates/0abc/history", null),
        ("POST", "/api/v1/certificates/{serial}/revoke", Admin, "/api/v1/certificates/0abc/revoke", "{}"),
        ("POST", "/api/v1/certificates/{serial}/release", Admin, "/api/v1/certificates/0abc/release", null),
        ("GET", "/api/v1/profiles/", All, "/api/v1/profiles", null),
        ("POST", "/api/v1/profiles/reload", Policy, "/api/v1/profiles/reload", null),
        ("GET", "/api/v1/profiles/{name}", All, "/api/v1/profiles/role-table-unknown", null),
        ("PUT", "/api/v1/profiles/{name}", Policy, "/api/v1/profiles/role-table-unknown", "{\"document\": 1}"),
        ("GET", "/api/v1/profiles/{name}/versions", All, "/api/v1/profiles/role-table-unknown/versions", null),
        ("POST", "/api/v1/profiles/{name}/rollback", Policy, "/api/v1/profiles/role-table-unknown/rollback", "{}"),
        ("POST", "/api/v1/profiles/{name}/validate", All, "/api/v1/profiles/role-table-unknown/validate", "{\"document\": 1}"),
        ("POST", "/api/v1/profiles/{name}/dry-run", All, "/api/v1/profiles/role-table-unknown/dry-run", "{}"),
        ("GET", "/api/v1/profiles/{name}/export", All, "/api/v1/profiles/role-table-unknown/export", null),
        ("POST", "/api/v1/credentials/", Admin, "/api/v1/credentials", "{}"),
        ("GET", "/api/v1/credentials/", All, "/api/v1/credentials", null),
        ("GET", "/api/v1/credentials/{id}", All, "/api/v1/credentials/x", null),
        ("GET", "/api/v1/credentials/{id}/history", All, "/api/v1/credentials/x/history", null),
        ("DELETE", "/api/v1/credentials/{id}", Admin, "/api/v1/credentials/x", null),
        ("GET", "/api/v1/cluster", ReadAll, "/api/v1/cluster", null),
        ("GET", "/api/v1/ca", ReadAll, "/api/v1/ca", null),
        ("GET", "/api/v1/me", All, "/api/v1/me", null),
        ("GET", "/api/v1/dashboard", ReadAll, "/api/v1/dashboard", null),
        ("POST", "/api/v1/ca/rollover", Admin, "/api/v1/ca/rollover", "{}"), // without {"issuer": "default"}: 400, nothing rolled over
        ("GET", "/api/v1/audit", ReadAll, "/api/v1/audit", null),
    ];

    private static readonly (string Role, string Key)[] Roles =
    [
        ("admin", GatewayFixture.AdminKey),
        ("auditor", GatewayFixture.AuditorKey),
        ("policy-admin", GatewayFixture.PolicyAdminKey),
    ];

    [Fact]
    public void Table_coversEveryMappedAdminEndpoint_exactly()
    {
        var mapped = ((IEndpointRouteBuilder)gateway.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal).ToList();
        var table = Table.Select(t => $"{t.Method} {Normalise(t.Pattern)}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(table, mapped);
    }

    [Fact]
    public async Task EveryEndpoint_eachRole_answersAsTheTableSays()
    {
        var failures = new List<string>();
        foreach (var (method, pattern, roles, path, body) in Table)
        {
            using (var anonymous = await SendAsync(null, method, path, body))
            {
                if (anonymous.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"{method} {pattern} without a key: {(int)anonymous.StatusCode}, expected 401");
            }
            foreach (var (role, key) in Roles)
            {
                var allowed = roles.Split(',').Contains(role);
                using var response = await SendAsync(key, method, path, body);
                var status = (int)response.StatusCode;
                if (!allowed && response.StatusCode != HttpStatusCode.Forbidden)
                    failures.Add($"{method} {pattern} as {role}: {status}, expected 403");
                if (allowed && (status is 401 or 403 || status >= 500))
                    failures.Add($"{method} {pattern} as {role}: {status}, expected the endpoint's own answer ({await response.Content.ReadAsStringAsync()})");
                if (allowed && method == "GET" && !pattern.Contains('{') && status != 200)
                    failures.Add($"{method} {pattern} as {role}: {status}, expected 200");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<HttpResponseMessage> SendAsync(string? key, string method, string path, string? body)
    {
        using var client = gateway.Client(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    private static string Normalise(string pattern) => pattern.TrimEnd('/');
}
