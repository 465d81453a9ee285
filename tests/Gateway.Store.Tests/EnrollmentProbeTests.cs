using Gateway.Store.Events;
using Marten;

namespace Gateway.Store.Tests;

/// <summary>
/// The grouped enrollment look-up answers each concurrent question for its own key (an enrollment's id, or the request
/// key of an enrollment recorded under an id of its own), and fails a group as a whole.
/// </summary>
[Collection(EmbeddedPostgresCollection.Name)]
public sealed class EnrollmentProbeTests(EmbeddedPostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static StreamAppend Enrollment(string id, string? requestKey = null) =>
        new(id, true, [new EnrollmentRequested(id, "est", "iot-device", "http-basic", "dev-1", requestKey?["est:".Length..] ?? id, "CN=dev-1.test",
            ["DNS:dev-1.test"], "EC P-256", null, [0x30, 0x03, 0x02, 0x01, 0x00], T0, RequestKey: requestKey)]);

    [Fact]
    public async Task Concurrent_questions_each_get_their_own_answer()
    {
        using var store = await postgres.NewStoreAsync("probe");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        // Half recorded under their key (SCEP, CMP, the admin API, EST before request keys), half under an id of their own.
        var byId = Enumerable.Range(0, 25).Select(i => $"est:{i}-{Guid.NewGuid():N}").ToList();
        var byRequestKey = Enumerable.Range(0, 25).ToDictionary(i => $"est:key-{i}-{Guid.NewGuid():N}", i => $"est:own-{i}-{Guid.NewGuid():N}");
        await Task.WhenAll(byId.Select(id => writer.AppendAsync([Enrollment(id)]))
            .Concat(byRequestKey.Select(p => writer.AppendAsync([Enrollment(p.Value, p.Key)]))));
        var missing = Enumerable.Range(0, 50).Select(i => $"est:missing-{i}-{Guid.NewGuid():N}").ToList();
        await using var probe = new EnrollmentProbe(store, postgres.Server.ConnectionString);

        // Each key asked twice, interleaved, all at once: groups hold duplicates and every kind.
        var expected = byId.ToDictionary(id => id, id => (string?)id);
        foreach (var (key, id) in byRequestKey)
        {
            expected[key] = id;
            expected[id] = id; // an enrollment with an id of its own is found by that id too (the admin API's look-ups)
        }
        foreach (var key in missing) expected[key] = null;
        var questions = expected.Keys.Concat(expected.Keys).OrderBy(_ => Random.Shared.Next()).ToList();
        var answers = await Task.WhenAll(questions.Select(key => probe.ResolveAsync(key)));

        for (var i = 0; i < questions.Count; i++) Assert.Equal(expected[questions[i]], answers[i]);
    }

    [Fact]
    public async Task A_key_that_is_an_enrollments_id_is_that_enrollment_even_when_another_holds_it_as_request_key()
    {
        using var store = await postgres.NewStoreAsync("probe_both");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        var key = $"est:{Guid.NewGuid():N}";
        var other = $"est:other-{Guid.NewGuid():N}";
        await writer.AppendAsync([Enrollment(key)]);
        await writer.AppendAsync([Enrollment(other, key)]);
        await using var probe = new EnrollmentProbe(store, postgres.Server.ConnectionString);

        for (var i = 0; i < 5; i++) Assert.Equal(key, await probe.ResolveAsync(key));
        Assert.Equal(other, await probe.ResolveAsync(other));
    }

    [Fact]
    public async Task A_second_enrollment_for_one_request_key_is_refused_and_nothing_of_it_is_written()
    {
        using var store = await postgres.NewStoreAsync("probe_unique");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        var key = $"est:{Guid.NewGuid():N}";
        var first = $"est:first-{Guid.NewGuid():N}";
        var second = $"est:second-{Guid.NewGuid():N}";
        var bystander = $"est:bystander-{Guid.NewGuid():N}";
        await writer.AppendAsync([Enrollment(first, key)]);

        // In a group with another unit (the set-based path fails as a whole, then each unit commits alone) and alone.
        var racing = writer.AppendAsync([Enrollment(second, key), new StreamAppend("0a0b", true, [new EnrollmentFulfilled(second, "0a0b", T0)])]);
        var unrelated = writer.AppendAsync([Enrollment(bystander)]);
        await Assert.ThrowsAsync<RequestKeyTakenException>(() => racing);
        await unrelated;
        await Assert.ThrowsAsync<RequestKeyTakenException>(() => writer.AppendAsync([Enrollment($"est:third-{Guid.NewGuid():N}", key)]));

        await using var probe = new EnrollmentProbe(store, postgres.Server.ConnectionString);
        Assert.Equal(first, await probe.ResolveAsync(key));
        Assert.Null(await probe.ResolveAsync(second));
        Assert.Equal(bystander, await probe.ResolveAsync(bystander));
        await using var session = store.QuerySession();
        Assert.Null(await session.Events.FetchStreamStateAsync(second));
        Assert.Null(await session.Events.FetchStreamStateAsync("0a0b"));
    }

    [Fact]
    public async Task It_asks_on_a_pool_of_its_own_and_answers_the_same()
    {
        using var store = await postgres.NewStoreAsync("probe_own");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        var existing = $"est:own-{Guid.NewGuid():N}";
        await writer.AppendAsync([Enrollment(existing)]);
        await using var probe = new EnrollmentProbe(store, StoreConnectionString.WithDefaults(postgres.Server.ConnectionString));

        // Asked many times: prepared at the first use, the statement answers as before.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(existing, await probe.ResolveAsync(existing));
            Assert.Null(await probe.ResolveAsync($"est:own-missing-{i}"));
        }

        await using var admin = new Npgsql.NpgsqlConnection(postgres.Server.ConnectionString);
        await admin.OpenAsync();
        await using var sessions = new Npgsql.NpgsqlCommand("select count(*) from pg_stat_activity where application_name = 'gateway-enrollment-probe'", admin);
        Assert.True((long)(await sessions.ExecuteScalarAsync())! >= 1, "the probe's pooled connection is its own");
    }

    [Fact]
    public async Task Its_plan_made_while_the_table_is_small_looks_keys_up_in_the_indexes()
    {
        using var store = await postgres.NewStoreAsync("probe_plan");
        await using var writer = EmbeddedPostgresFixture.NewWriter(store);
        var ids = Enumerable.Range(0, 20).Select(i => $"est:plan-{i}-{Guid.NewGuid():N}").ToList();
        await Task.WhenAll(ids.Select(id => writer.AppendAsync([Enrollment(id, $"est:plan-key-{id}")])));
        var table = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(Records.EnrollmentRecord)).TableName.QualifiedName;

        // A small, analysed table: the generic plan a session with default settings makes for it scans the table (loop
        // row 32's sequential scans, which outlived the table's growth); the probe's session looks each key up.
        await using var pool = EnrollmentProbe.CreatePool(postgres.Server.ConnectionString);
        await using var connection = await pool.OpenConnectionAsync();
        await Execute(connection, $"analyze {table}");
        await Execute(connection, $"prepare probe_plan(varchar[]) as {EnrollmentProbe.Sql(store)}");
        var plan = await Execute(connection, $"explain execute probe_plan(array['{ids[0]}'])");
        Assert.DoesNotContain("Seq Scan", plan);
        Assert.Contains("Index Scan", plan);

        await Execute(connection, "deallocate probe_plan");
        await Execute(connection, "set enable_seqscan = on"); // PostgreSQL's default; the generic plan stays forced
        await Execute(connection, $"prepare probe_plan(varchar[]) as {EnrollmentProbe.Sql(store)}");
        Assert.Contains("Seq Scan", await Execute(connection, $"explain execute probe_plan(array['{ids[0]}'])")); // the control

        await using var probe = new EnrollmentProbe(store, postgres.Server.ConnectionString);
        Assert.Equal(ids[0], await probe.ResolveAsync($"est:plan-key-{ids[0]}"));
    }

    private static async Task<string> Execute(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync()) text.AppendLine(reader.GetValue(0).ToString());
        return text.ToString();
    }

    [Fact]
    public async Task A_failed_query_fails_the_questions_of_its_group_and_the_next_group_is_asked_again()
    {
        var schema = EmbeddedPostgresFixture.NewSchema("probe_missing");
        using var store = DocumentStore.For(o =>
        {
            o.Connection(postgres.Server.ConnectionString);
            StoreServiceCollectionExtensions.ConfigureMarten(o, schema); // no tables created: the query fails
        });
        await using var probe = new EnrollmentProbe(store, postgres.Server.ConnectionString);

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => probe.ResolveAsync("est:x"));

        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Assert.Null(await probe.ResolveAsync("est:x"));
    }
}
