using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.Server.Tests;

/// <summary>The profile administration API against the real host: changes take effect without restart, bad documents change nothing.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ProfileApiTests(GatewayFixture gateway)
{
    private static string NewName() => "t-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A small profile for the admin API that allows DNS names under <paramref name="suffix"/>.</summary>
    private static string Profile(string name, string suffix, string approval = "automatic") => $"""
        # test profile
        name: {name}
        description: test profile allowing *.{suffix}
        protocols: [admin]
        authentication: [api-key]
        keys:
          ec: [P-256]
        san:
          dns:
            allow: ["*.{suffix}"]
          maxCount: 5
          onDisallowed: refuse
          required: true
        validity:
          default: 30d
          max: 30d
        extensions:
          keyUsage: [digitalSignature]
          extendedKeyUsage: [serverAuth]
        approval: {approval}

        """;

    private static StringContent Yaml(string text, string mediaType = "application/yaml") => new(text, Encoding.UTF8, mediaType);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private static string Testdata(string file, string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "profiles", file)).Replace("NAME", name);

    private async Task<int> VersionOf(string name)
    {
        using var client = gateway.Client(GatewayFixture.AuditorKey);
        return (await Expect(await client.GetAsync($"/api/v1/profiles/{name}"), HttpStatusCode.OK)).GetProperty("version").GetInt32();
    }

    private async Task<HttpResponseMessage> EnrollAsync(string profile, string dnsName)
    {
        using var client = gateway.Client();
        return await client.PostAsJsonAsync("/api/v1/enrollments", new { profile, csr = Csrs.P256(dnsName, dnsName) });
    }

    private async Task<long> CertificateCount()
    {
        using var client = gateway.Client(GatewayFixture.AuditorKey);
        return (await Expect(await client.GetAsync("/api/v1/certificates?pageSize=1"), HttpStatusCode.OK)).GetProperty("total").GetInt64();
    }

    [Fact]
    public async Task Put_changes_the_decision_of_the_next_enrollment_without_restart()
    {
        var name = NewName();
        using var client = gateway.Client(GatewayFixture.PolicyAdminKey);
        var created = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "alpha.test"))), HttpStatusCode.Created);
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal("created", created.GetProperty("change").GetString());

        var denied = await Expect(await EnrollAsync(name, "host.beta.test"), HttpStatusCode.Forbidden);
        Assert.Contains(denied.GetProperty("firedRules").EnumerateArray(), r => r.GetProperty("effect").GetString() == "deny"
            && r.GetProperty("rule").GetString()!.StartsWith("san.dns", StringComparison.Ordinal));

        var updated = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "beta.test"))), HttpStatusCode.OK);
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal("updated", updated.GetProperty("change").GetString());

        var issued = await Expect(await EnrollAsync(name, "host.beta.test"), HttpStatusCode.Created);
        var enrollmentId = issued.GetProperty("enrollmentId").GetString();
        await Expect(await EnrollAsync(name, "host.alpha.test"), HttpStatusCode.Forbidden);

        // The enrollment records the profile version that decided it.
        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        var history = await Expect(await auditor.GetAsync($"/api/v1/certificates/{issued.GetProperty("serial").GetString()}/history"), HttpStatusCode.OK);
        var approved = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "enrollment_approved");
        Assert.Equal("2", approved.GetProperty("details").GetProperty("profileVersion").GetString());
        Assert.NotNull(enrollmentId);
    }

    [Fact]
    public async Task Put_of_the_same_document_is_unchanged_and_keeps_the_version()
    {
        var name = NewName();
        using var client = gateway.Client();
        await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "same.test"))), HttpStatusCode.Created);
        var again = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "same.test"))), HttpStatusCode.OK);
        Assert.Equal("unchanged", again.GetProperty("change").GetString());
        Assert.Equal(1, again.GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("bad-syntax.yaml", 4, "")]
    [InlineData("bad-values.yaml", 6, "keys.rsa.minBits")]
    [InlineData("wrong-name.yaml", 2, "name")]
    [InlineData("not-a-mapping.yaml", 1, "[0]")]
    public async Task Put_of_a_bad_document_is_400_with_line_precise_errors_and_changes_nothing(string file, int firstLine, string firstField)
    {
        var name = NewName();
        using var client = gateway.Client();
        await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "good.test"))), HttpStatusCode.Created);

        var response = await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Testdata(file, name)));

        var problem = await Expect(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("/invalid-profile", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.NotEmpty(errors);
        Assert.Equal(firstLine, errors[0].GetProperty("line").GetInt32());
        Assert.True(errors[0].GetProperty("column").GetInt32() >= 1);
        Assert.Equal(firstField, errors[0].GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(errors[0].GetProperty("message").GetString()));
        Assert.Equal(1, await VersionOf(name));
        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        Assert.Contains("*.good.test", await auditor.GetStringAsync($"/api/v1/profiles/{name}/export"));
    }

    [Fact]
    public async Task Put_of_a_profile_granting_ocspSigning_or_codeSigning_is_400_naming_the_eku_and_the_option()
    {
        var name = NewName();
        using var client = gateway.Client(GatewayFixture.PolicyAdminKey);

        var problem = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Testdata("ocsp-signing-eku.yaml", name))), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (Line: e.GetProperty("line").GetInt32(), Field: e.GetProperty("field").GetString(), Message: e.GetProperty("message").GetString()!))
            .ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(12, e.Line));
        Assert.All(errors, e => Assert.Contains("Gateway:Policies:AllowSensitiveExtendedKeyUsages", e.Message, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "extensions.extendedKeyUsage[1]" && e.Message.Contains("'ocspSigning'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "extensions.extendedKeyUsage[2]" && e.Message.Contains("'codeSigning'", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/profiles/{name}")).StatusCode);
    }

    [Fact]
    public async Task Put_of_a_bad_document_lists_every_error_with_its_field()
    {
        var name = NewName();
        using var client = gateway.Client();
        var problem = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Testdata("bad-values.yaml", name))), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Contains((6, "keys.rsa.minBits"), errors);
        Assert.Contains((9, "san.dns.allow[1]"), errors);
        Assert.Contains((11, "validity.default"), errors);
        Assert.Contains(errors, e => e.Item1 == 12);
        // A profile that was never valid is never created.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/profiles/{name}")).StatusCode);
    }

    [Fact]
    public async Task Put_accepts_json_document_wrapper_and_json_profile_object()
    {
        var name = NewName();
        using var client = gateway.Client();
        var wrapped = JsonSerializer.Serialize(new { document = Profile(name, "json.test") });
        var first = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(wrapped, "application/json")), HttpStatusCode.Created);
        Assert.Equal(Profile(name, "json.test"), first.GetProperty("document").GetString());

        var asObject = JsonSerializer.Serialize(new
        {
            name,
            description = "as a JSON object",
            protocols = new[] { "admin" },
            authentication = new[] { "api-key" },
            keys = new { ec = new[] { "P-256" } },
            san = new { dns = new { allow = new[] { "*.object.test" } }, required = true },
        }, new JsonSerializerOptions { WriteIndented = true });
        var second = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(asObject, "application/json")), HttpStatusCode.OK);
        Assert.Equal(2, second.GetProperty("version").GetInt32());

        // Stored (and exported) as block YAML, which is again a valid profile.
        var export = await client.GetAsync($"/api/v1/profiles/{name}/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/yaml", export.Content.Headers.ContentType?.MediaType);
        var yaml = await export.Content.ReadAsStringAsync();
        Assert.DoesNotContain("{", yaml);
        Assert.Contains("description: as a JSON object", yaml);
        var roundTrip = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(yaml)), HttpStatusCode.OK);
        Assert.Equal("unchanged", roundTrip.GetProperty("change").GetString());

        await Expect(await EnrollAsync(name, "x.object.test"), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Put_of_malformed_json_is_400_with_position()
    {
        var name = NewName();
        using var client = gateway.Client();
        var problem = await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml("{\n  \"name\": \"x\",\n  oops\n}", "application/json")),
            HttpStatusCode.BadRequest);
        Assert.Equal(3, problem.GetProperty("errors")[0].GetProperty("line").GetInt32());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    public async Task Put_with_an_unsupported_content_type_is_415(string mediaType)
    {
        var name = NewName();
        using var client = gateway.Client();
        var response = await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "x.test"), mediaType));
        await Expect(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/profiles/{name}")).StatusCode);
    }

    [Fact]
    public async Task Put_with_an_invalid_profile_name_is_400()
    {
        using var client = gateway.Client();
        var problem = await Expect(await client.PutAsync("/api/v1/profiles/-bad%20name", Yaml(Profile("-bad name", "x.test"))), HttpStatusCode.BadRequest);
        Assert.Equal("name", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Dry_run_shows_decision_and_fired_rules_and_issues_nothing()
    {
        var name = NewName();
        using var admin = gateway.Client();
        await Expect(await admin.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "dry.test"))), HttpStatusCode.Created);
        var before = await CertificateCount();

        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        var allowed = await Expect(await auditor.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run", new { csr = Csrs.P256("a.dry.test", "a.dry.test") }),
            HttpStatusCode.OK);
        Assert.Equal("allow", allowed.GetProperty("decision").GetString());
        Assert.Contains(allowed.GetProperty("firedRules").EnumerateArray(), r => r.GetProperty("effect").GetString() == "allow"
            && r.GetProperty("reason").GetString()!.Contains("a.dry.test", StringComparison.Ordinal));
        var template = allowed.GetProperty("template");
        Assert.Equal("CN=a.dry.test", template.GetProperty("subject").GetString());
        Assert.Equal(["DNS:a.dry.test"], template.GetProperty("subjectAltNames").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["serverAuth"], template.GetProperty("extendedKeyUsage").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["digitalSignature"], template.GetProperty("keyUsage").EnumerateArray().Select(s => s.GetString()));
        var lifetime = template.GetProperty("notAfter").GetDateTimeOffset() - template.GetProperty("notBefore").GetDateTimeOffset();
        Assert.InRange(lifetime, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30.1));

        var denied = await Expect(await auditor.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run", new { csr = Csrs.P256("a.other.test", "a.other.test") }),
            HttpStatusCode.OK);
        Assert.Equal("deny", denied.GetProperty("decision").GetString());
        Assert.Equal("bad-name", denied.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, denied.GetProperty("template").ValueKind);
        var rule = denied.GetProperty("firedRules").EnumerateArray().Single(r => r.GetProperty("effect").GetString() == "deny");
        Assert.StartsWith("san.dns", rule.GetProperty("rule").GetString());
        Assert.Contains("a.other.test", rule.GetProperty("reason").GetString());

        Assert.Equal(before, await CertificateCount());
    }

    [Fact]
    public async Task Validate_answers_as_put_would_and_stores_nothing()
    {
        var name = NewName();
        using var policy = gateway.Client(GatewayFixture.PolicyAdminKey);
        var valid = await Expect(await policy.PostAsync($"/api/v1/profiles/{name}/validate", Yaml(Profile(name, "val.test"))), HttpStatusCode.OK);
        Assert.True(valid.GetProperty("valid").GetBoolean());
        await Expect(await policy.GetAsync($"/api/v1/profiles/{name}"), HttpStatusCode.NotFound);

        // An unknown key usage on line 20 (the document's first line is a comment): the error points at it.
        var broken = Profile(name, "val.test").Replace("keyUsage: [digitalSignature]", "keyUsage: [digitalSignatur]", StringComparison.Ordinal);
        var problem = await Expect(await policy.PostAsync($"/api/v1/profiles/{name}/validate", Yaml(broken)), HttpStatusCode.BadRequest);
        Assert.Equal("invalid-profile", problem.GetProperty("type").GetString()!.Split('/').Last());
        var error = problem.GetProperty("errors")[0];
        var expectedLine = broken.Split('\n').ToList().FindIndex(l => l.Contains("digitalSignatur]", StringComparison.Ordinal)) + 1;
        Assert.Equal(expectedLine, error.GetProperty("line").GetInt32());
        Assert.Contains("keyUsage", error.GetProperty("field").GetString(), StringComparison.Ordinal);

        var put = await Expect(await policy.PutAsync($"/api/v1/profiles/{name}", Yaml(broken)), HttpStatusCode.BadRequest);
        Assert.Equal(error.GetProperty("line").GetInt32(), put.GetProperty("errors")[0].GetProperty("line").GetInt32());
        await Expect(await policy.PostAsync($"/api/v1/profiles/{name}/validate", new StringContent("x", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
        await Expect(await policy.GetAsync($"/api/v1/profiles/{name}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Dry_run_against_an_unsaved_document_evaluates_it_and_changes_nothing()
    {
        var name = NewName();
        using var admin = gateway.Client();
        await Expect(await admin.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "saved.test"))), HttpStatusCode.Created);
        var csr = Csrs.P256("a.edited.test", "a.edited.test");

        // The stored version refuses the name; the edited document allows it.
        var stored = await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run", new { csr }), HttpStatusCode.OK);
        Assert.Equal("deny", stored.GetProperty("decision").GetString());
        Assert.False(stored.GetProperty("unsaved").GetBoolean());
        var edited = await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run",
            new { csr, document = Profile(name, "edited.test") }), HttpStatusCode.OK);
        Assert.Equal("allow", edited.GetProperty("decision").GetString());
        Assert.True(edited.GetProperty("unsaved").GetBoolean());
        Assert.StartsWith("2", edited.GetProperty("version").GetString(), StringComparison.Ordinal);

        // A broken document is not evaluated: its errors come back as PUT's would.
        var problem = await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run",
            new { csr, document = Profile(name, "edited.test").Replace("default: 30d", "default: thirty days", StringComparison.Ordinal) }), HttpStatusCode.BadRequest);
        Assert.Equal("invalid-profile", problem.GetProperty("type").GetString()!.Split('/').Last());
        Assert.True(problem.GetProperty("errors")[0].GetProperty("line").GetInt32() > 1);

        // A profile that does not exist yet can be tried before its first save.
        var fresh = NewName();
        var created = await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{fresh}/dry-run",
            new { csr, document = Profile(fresh, "edited.test") }), HttpStatusCode.OK);
        Assert.Equal("allow", created.GetProperty("decision").GetString());
        await Expect(await admin.GetAsync($"/api/v1/profiles/{fresh}"), HttpStatusCode.NotFound);
        Assert.Equal(1, await VersionOf(name));
    }

    [Fact]
    public async Task Dry_run_of_a_described_request_evaluates_subject_sans_and_key()
    {
        var name = NewName();
        using var admin = gateway.Client();
        await Expect(await admin.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "desc.test", approval: "manual"))), HttpStatusCode.Created);

        var pending = await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run",
            new { subject = "CN=b.desc.test", sans = new[] { "dns:B.desc.test" }, key = "EC P-256" }), HttpStatusCode.OK);
        Assert.Equal("pending", pending.GetProperty("decision").GetString());
        Assert.Equal("DNS:b.desc.test", pending.GetProperty("template").GetProperty("subjectAltNames")[0].GetString());

        var rsa = await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run",
            new { sans = new[] { "dns:b.desc.test" }, key = "RSA 3072" }), HttpStatusCode.OK);
        Assert.Equal("deny", rsa.GetProperty("decision").GetString());
        Assert.Contains(rsa.GetProperty("firedRules").EnumerateArray(), r => r.GetProperty("rule").GetString()!.StartsWith("keys.", StringComparison.Ordinal)
            && r.GetProperty("effect").GetString() == "deny");

        await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run", new { sans = new[] { "carrier-pigeon:x" } }), HttpStatusCode.BadRequest);
        await Expect(await admin.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run", new { sans = new[] { "dns:b.desc.test" }, key = "DSA 1024" }),
            HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("not a csr")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    public async Task Dry_run_with_a_malformed_csr_is_400_problem(string csr)
    {
        using var client = gateway.Client();
        var response = await client.PostAsJsonAsync("/api/v1/profiles/web-server/dry-run", new { csr });
        await Expect(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Versions_list_every_change_with_diff_and_rollback_restores_an_old_document()
    {
        var name = NewName();
        using var client = gateway.Client(GatewayFixture.PolicyAdminKey);
        await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "one.test"))), HttpStatusCode.Created);
        await Expect(await client.PutAsync($"/api/v1/profiles/{name}", Yaml(Profile(name, "two.test"))), HttpStatusCode.OK);

        var versions = (await Expect(await client.GetAsync($"/api/v1/profiles/{name}/versions"), HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal([1, 2], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.All(versions, v =>
        {
            Assert.Equal("api", v.GetProperty("source").GetString());
            Assert.Equal("api-key:policy-admin-1", v.GetProperty("author").GetString());
            Assert.True(v.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        });
        var diff = versions[1].GetProperty("diff").GetString()!;
        Assert.Contains("-    allow: [\"*.one.test\"]", diff);
        Assert.Contains("+    allow: [\"*.two.test\"]", diff);
        Assert.DoesNotContain("+protocols", diff);

        var rolledBack = await Expect(await client.PostAsJsonAsync($"/api/v1/profiles/{name}/rollback", new { version = 1 }), HttpStatusCode.OK);
        Assert.Equal(3, rolledBack.GetProperty("version").GetInt32());
        Assert.Equal("rollback:1", rolledBack.GetProperty("source").GetString());
        Assert.Equal(Profile(name, "one.test"), rolledBack.GetProperty("document").GetString());
        var third = (await Expect(await client.GetAsync($"/api/v1/profiles/{name}/versions"), HttpStatusCode.OK))[2];
        Assert.Equal(1, third.GetProperty("rolledBackTo").GetInt32());

        await Expect(await EnrollAsync(name, "x.one.test"), HttpStatusCode.Created);
        await Expect(await EnrollAsync(name, "x.two.test"), HttpStatusCode.Forbidden);

        await Expect(await client.PostAsJsonAsync($"/api/v1/profiles/{name}/rollback", new { version = 9 }), HttpStatusCode.BadRequest);
        await Expect(await client.PostAsJsonAsync($"/api/v1/profiles/{name}/rollback", new { version = 0 }), HttpStatusCode.BadRequest);
        Assert.Equal(3, await VersionOf(name));
    }

    [Fact]
    public async Task Roles_auditor_reads_but_cannot_change_and_no_key_is_401()
    {
        using var auditor = gateway.Client(GatewayFixture.AuditorKey);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/profiles")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/profiles/web-server")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/profiles/web-server/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PutAsync("/api/v1/profiles/web-server", Yaml("name: web-server"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/profiles/web-server/rollback", new { version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync("/api/v1/profiles/reload", null)).StatusCode);

        using var anonymous = gateway.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/profiles")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsync("/api/v1/profiles/web-server", Yaml("name: web-server"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/profiles/web-server/export")).StatusCode);

        // policy-admin edits profiles but does not issue.
        using var policyAdmin = gateway.Client(GatewayFixture.PolicyAdminKey);
        var response = await policyAdmin.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = Csrs.P256("p.example.test", "p.example.test") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, await VersionOf("web-server"));
    }

    [Fact]
    public async Task Unknown_profile_is_404_problem_everywhere()
    {
        using var client = gateway.Client();
        var name = NewName();
        foreach (var response in new[]
                 {
                     await client.GetAsync($"/api/v1/profiles/{name}"),
                     await client.GetAsync($"/api/v1/profiles/{name}/versions"),
                     await client.GetAsync($"/api/v1/profiles/{name}/export"),
                     await client.PostAsJsonAsync($"/api/v1/profiles/{name}/rollback", new { version = 1 }),
                     await client.PostAsJsonAsync($"/api/v1/profiles/{name}/dry-run", new { csr = Csrs.P256("a.test", "a.test") }),
                 })
        {
            var problem = await Expect(response, HttpStatusCode.NotFound);
            Assert.EndsWith("/unknown-profile", problem.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task List_shows_the_shipped_profiles_seeded_as_version_one()
    {
        using var client = gateway.Client(GatewayFixture.AuditorKey);
        var list = (await Expect(await client.GetAsync("/api/v1/profiles"), HttpStatusCode.OK)).EnumerateArray().ToList();
        foreach (var shipped in new[] { "iot-device", "mdm-device", "network-element", "web-server" })
        {
            var item = list.Single(p => p.GetProperty("name").GetString() == shipped);
            Assert.Equal(1, item.GetProperty("version").GetInt32());
            Assert.Equal($"seed:{shipped}.yaml", item.GetProperty("source").GetString());
        }
        var webServer = await Expect(await client.GetAsync("/api/v1/profiles/web-server"), HttpStatusCode.OK);
        Assert.Equal(File.ReadAllText(Path.Combine(GatewayFixture.RepoRoot(), "policies", "web-server.yaml")).ReplaceLineEndings("\n"),
            webServer.GetProperty("document").GetString());
        Assert.Contains("acme", webServer.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Reload_of_an_unchanged_directory_changes_nothing()
    {
        using var client = gateway.Client(GatewayFixture.PolicyAdminKey);
        var result = await Expect(await client.PostAsync("/api/v1/profiles/reload", null), HttpStatusCode.OK);
        Assert.Contains("web-server", result.GetProperty("unchanged").EnumerateArray().Select(p => p.GetString()));
        Assert.Empty(result.GetProperty("created").EnumerateArray());
        Assert.Empty(result.GetProperty("updated").EnumerateArray());
        Assert.Equal(1, await VersionOf("web-server"));
    }

    [Fact]
    public async Task OpenApi_document_describes_every_profile_route()
    {
        using var client = gateway.Client(apiKey: null);
        var paths = (await Expect(await client.GetAsync("/openapi/v1.json"), HttpStatusCode.OK)).GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/v1/profiles", "/api/v1/profiles/{name}", "/api/v1/profiles/{name}/versions", "/api/v1/profiles/{name}/rollback",
                     "/api/v1/profiles/{name}/dry-run", "/api/v1/profiles/{name}/export", "/api/v1/profiles/reload",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
        Assert.True(paths.GetProperty("/api/v1/profiles/{name}").TryGetProperty("put", out var put));
        Assert.True(put.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/yaml", out _));
    }
}
