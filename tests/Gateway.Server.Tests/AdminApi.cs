using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>Small helpers over the admin API for the enrollment pipeline tests.</summary>
internal static class AdminApi
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static Task<HttpResponseMessage> EnrollAsync(this HttpClient client, string profile, string csr, string? transactionId = null) =>
        client.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr, transactionId });

    /// <summary>Enrolls and requires <paramref name="expected"/>; returns the body.</summary>
    public static async Task<JsonElement> EnrollAsync(this HttpClient client, string profile, string csr, HttpStatusCode expected, string? transactionId = null)
    {
        using var response = await client.EnrollAsync(profile, csr, transactionId);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>GET and require 200.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The path segment of an enrollment id (':' and '/' escaped).</summary>
    public static string Segment(string enrollmentId) => Uri.EscapeDataString(enrollmentId);

    public static IEnumerable<string> RuleNames(JsonElement firedRules) => firedRules.EnumerateArray().Select(r => r.GetProperty("rule").GetString()!);

    public static JsonElement Rule(JsonElement firedRules, string rule, string effect) =>
        firedRules.EnumerateArray().First(r => r.GetProperty("rule").GetString() == rule && r.GetProperty("effect").GetString() == effect);

    public static IGrainFactory Grains(this GatewayFixture gateway) => gateway.App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Deactivates every idle grain activation of the silo, as idle collection would.</summary>
    public static Task DeactivateIdleGrainsAsync(this GatewayFixture gateway) =>
        gateway.Grains().GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>A PEM CSR for <paramref name="cn"/> (also a DNS SAN) signed by <paramref name="key"/>.</summary>
    public static string Csr(ECDsa key, string cn)
    {
        var request = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(cn);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequestPem();
    }

    public static byte[] CsrDer(ECDsa key, string cn)
    {
        var request = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(cn);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }

    public static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
