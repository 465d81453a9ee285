using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.Server.Tests;

/// <summary><c>/api/v1/credentials</c>: create (secret once), list, get, history, revoke; roles; problem details for bad input.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CredentialApiTests(GatewayFixture gateway)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<JsonElement> CreateAsync(object body)
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/credentials", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Post_creates_a_credential_and_returns_its_secret_once()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(7);
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/credentials",
            new { profile = "IoT-Device", maxUses = 3, expiresAt = expires, subjects = new[] { "dev9.test" }, description = "line 9" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var created = await Json(response);
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches("^[a-z0-9]{16}$", id);
        Assert.Matches("^" + id + "[A-Za-z0-9]{44}$", secret);
        Assert.Equal($"/api/v1/credentials/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("iot-device", created.GetProperty("profile").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal(3, created.GetProperty("maxUses").GetInt32());
        Assert.Equal(expires.ToUnixTimeSeconds(), created.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal("api-key:bootstrap", created.GetProperty("createdBy").GetString());

        var get = await client.GetAsync($"/api/v1/credentials/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var view = await Json(get);
        Assert.Equal(("iot-device", 0, 3), (view.GetProperty("profile").GetString(), view.GetProperty("uses").GetInt32(), view.GetProperty("remainingUses").GetInt32()));
        Assert.Equal(["dev9.test"], view.GetProperty("subjects").EnumerateArray().Select(e => e.GetString()));

        // The secret (or any part of its random half) is nowhere else: not in the record, the list or the history.
        var randomPart = secret[16..];
        foreach (var path in new[] { $"/api/v1/credentials/{id}", "/api/v1/credentials?pageSize=500", $"/api/v1/credentials/{id}/history" })
        {
            var text = await client.GetStringAsync(path);
            Assert.DoesNotContain(randomPart, text);
            Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("encrypt", text, StringComparison.OrdinalIgnoreCase);
        }
        var history = await Json(await client.GetAsync($"/api/v1/credentials/{id}/history"));
        Assert.Equal("credential_created", history[0].GetProperty("type").GetString());
        Assert.Equal($"credential:{id}", history[0].GetProperty("stream").GetString());
    }

    [Fact]
    public async Task List_filters_by_profile_and_status_and_pages()
    {
        var a = (await CreateAsync(new { profile = "mdm-device" })).GetProperty("id").GetString()!;
        var b = (await CreateAsync(new { profile = "mdm-device", maxUses = 1 })).GetProperty("id").GetString()!;
        using var client = gateway.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/credentials/{b}")).StatusCode);

        var mdm = await Json(await client.GetAsync("/api/v1/credentials?profile=mdm-device&pageSize=500"));
        var ids = mdm.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Contains(a, ids);
        Assert.Contains(b, ids);
        Assert.All(mdm.GetProperty("items").EnumerateArray(), i => Assert.Equal("mdm-device", i.GetProperty("profile").GetString()));

        var revoked = await Json(await client.GetAsync("/api/v1/credentials?profile=mdm-device&status=revoked&pageSize=500"));
        Assert.Equal([b], revoked.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var active = await Json(await client.GetAsync("/api/v1/credentials?profile=mdm-device&status=Active&pageSize=500"));
        Assert.DoesNotContain(b, active.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        var page = await Json(await client.GetAsync("/api/v1/credentials?profile=mdm-device&page=2&pageSize=1"));
        Assert.Equal((2, 1), (page.GetProperty("page").GetInt32(), page.GetProperty("pageSize").GetInt32()));
        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.True(page.GetProperty("total").GetInt64() >= 2);

        foreach (var bad in new[] { "status=bogus", "status=1", "page=0", "pageSize=0", "pageSize=501" })
        {
            var response = await client.GetAsync("/api/v1/credentials?" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Delete_revokes_idempotently_and_unknown_ids_are_404()
    {
        var id = (await CreateAsync(new { profile = "network-element" })).GetProperty("id").GetString()!;
        using var client = gateway.Client();
        var first = await Json(await client.DeleteAsync($"/api/v1/credentials/{id}"));
        Assert.Equal("revoked", first.GetProperty("status").GetString());
        var again = await client.DeleteAsync($"/api/v1/credentials/{id}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.GetProperty("revokedAt").GetDateTimeOffset(), (await Json(again)).GetProperty("revokedAt").GetDateTimeOffset());
        var history = await Json(await client.GetAsync($"/api/v1/credentials/{id}/history"));
        Assert.Single(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "credential_revoked");

        var unknown = "0000000000000000";
        foreach (var response in new[]
                 {
                     await client.DeleteAsync($"/api/v1/credentials/{unknown}"),
                     await client.GetAsync($"/api/v1/credentials/{unknown}"),
                     await client.GetAsync($"/api/v1/credentials/{unknown}/history"),
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync("/api/v1/credentials/NOT-AN-ID")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/credentials/short")).StatusCode);
    }

    [Fact]
    public async Task Without_a_key_is_401_and_an_auditor_may_read_but_not_write()
    {
        var id = (await CreateAsync(new { profile = "iot-device" })).GetProperty("id").GetString()!;
        using var anonymous = gateway.Client(apiKey: null);
        var none = await anonymous.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device" });
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/api/v1/credentials/{id}")).StatusCode);

        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/credentials", new { profile = "iot-device" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.DeleteAsync($"/api/v1/credentials/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/credentials")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/credentials/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/credentials/{id}/history")).StatusCode);
        using var admin = gateway.Client();
        Assert.Equal("active", (await Json(await admin.GetAsync($"/api/v1/credentials/{id}"))).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("malformed-json.json", null)]
    [InlineData("truncated.json", null)]
    [InlineData("maxuses-string.json", "maxUses")]
    [InlineData("maxuses-zero.json", "maxUses")]
    [InlineData("maxuses-negative.json", "maxUses")]
    [InlineData("maxuses-fraction.json", "maxUses")]
    [InlineData("maxuses-overflow.json", "maxUses")]
    [InlineData("expiresat-past.json", "expiresAt")]
    [InlineData("expiresat-not-a-date.json", "expiresAt")]
    [InlineData("unknown-field.json", "maxUse")]
    [InlineData("no-profile.json", "profile")]
    [InlineData("blank-profile.json", "profile")]
    [InlineData("profile-number.json", "profile")]
    [InlineData("empty-subject.json", "subjects")]
    [InlineData("null-subject.json", "subjects")]
    [InlineData("subjects-not-a-list.json", "subjects")]
    [InlineData("array.json", null)]
    [InlineData("null.json", null)]
    [InlineData("empty.json", null)]
    [InlineData("string.json", null)]
    public async Task Bad_bodies_are_400_problem_details_naming_the_field(string file, string? field)
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "testdata", "credentials", file));
        using var client = gateway.Client();
        var before = (await Json(await client.GetAsync("/api/v1/credentials?pageSize=1"))).GetProperty("total").GetInt64();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await client.PostAsync("/api/v1/credentials", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), text);
            Assert.Contains($"'{field}", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(before, (await Json(await client.GetAsync("/api/v1/credentials?pageSize=1"))).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Unknown_profile_is_400_naming_the_profile_field()
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/credentials", new { profile = "no-such-profile" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json(response);
        Assert.EndsWith("/unknown-profile", problem.GetProperty("type").GetString());
        Assert.Contains("no-such-profile", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("profile", out _));
    }

    [Fact]
    public async Task Non_json_content_type_is_415()
    {
        using var client = gateway.Client();
        var response = await client.PostAsync("/api/v1/credentials", new StringContent("profile=iot-device", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_credential_endpoints()
    {
        using var client = gateway.Client(apiKey: null);
        var paths = (await Json(await client.GetAsync("/openapi/v1.json"))).GetProperty("paths");
        var collection = paths.GetProperty("/api/v1/credentials");
        Assert.True(collection.TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(collection.TryGetProperty("get", out _));
        var item = paths.GetProperty("/api/v1/credentials/{id}");
        Assert.True(item.TryGetProperty("get", out _));
        Assert.True(item.TryGetProperty("delete", out _));
        Assert.True(paths.TryGetProperty("/api/v1/credentials/{id}/history", out _));
    }
}
