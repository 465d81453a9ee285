using System.Net;
using System.Net.Http.Headers;

namespace Gateway.Server.Tests;

/// <summary>The CMP HTTP transfer (RFC 9811): what is not a CMP request gets a plain-text HTTP error; every CMP request a PKIMessage.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CmpEndpointTests(GatewayFixture gateway)
{
    private static ByteArrayContent Body(byte[] bytes, string contentType = "application/pkixcmp")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static readonly byte[] Garbage = [0x30, 0x03, 0x02, 0x01, 0x02];

    [Theory]
    [InlineData("/.well-known/cmp")]
    [InlineData("/.well-known/cmp/initialization")]
    [InlineData("/.well-known/cmp/p/network-element")]
    [InlineData("/.well-known/cmp/p/network-element/certification")]
    public async Task Post_to_a_cmp_path_answers_a_pkimessage_with_http_200(string path)
    {
        using var client = gateway.Client(apiKey: null);

        using var response = await client.PostAsync(path, Body(Garbage));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkixcmp", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Content.Headers.ContentLength);
        var answer = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x30, answer[0]); // a DER PKIMessage (an error message: the request was not one)
    }

    [Theory]
    [InlineData("/.well-known/cmp/p/no-such-profile", HttpStatusCode.NotFound)]
    [InlineData("/.well-known/cmp/p/mdm-device", HttpStatusCode.NotFound)] // a profile that does not allow CMP
    [InlineData("/.well-known/cmp/unknown-operation", HttpStatusCode.NotFound)]
    [InlineData("/.well-known/cmp/p/network-element/x/y", HttpStatusCode.NotFound)]
    public async Task Post_to_a_path_that_names_no_cmp_profile_is_404_text(string path, HttpStatusCode expected)
    {
        using var client = gateway.Client(apiKey: null);

        using var response = await client.PostAsync(path, Body(Garbage));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_with_another_media_type_is_415_and_get_is_405()
    {
        using var client = gateway.Client(apiKey: null);

        using var json = await client.PostAsync("/.well-known/cmp", Body(Garbage, "application/json"));
        using var get = await client.GetAsync("/.well-known/cmp");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("text/plain", get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_larger_than_the_limit_is_413()
    {
        using var client = gateway.Client(apiKey: null);

        using var response = await client.PostAsync("/.well-known/cmp", Body(new byte[300 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
