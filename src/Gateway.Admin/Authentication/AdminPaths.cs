using Microsoft.AspNetCore.Http;

namespace Gateway.Admin.Authentication;

/// <summary>The paths the admin API's transport and authentication rules guard.</summary>
public static class AdminPaths
{
    public const string Api = "/api/v1";
    public const string OpenApi = "/openapi";

    public static bool IsAdmin(PathString path) =>
        path.StartsWithSegments(Api, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(OpenApi, StringComparison.OrdinalIgnoreCase);
}
