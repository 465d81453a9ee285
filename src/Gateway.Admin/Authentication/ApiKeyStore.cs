using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Admin.Authentication;

/// <summary>
/// The admin API keys, held only as SHA-256 digests and compared in constant time. With no key configured at all, one
/// is generated at first start into <c>&lt;DataDir&gt;/admin-api-key</c> (mode 0600); its path is logged, never the key.
/// </summary>
public sealed class ApiKeyStore
{
    public const string GeneratedKeyFileName = "admin-api-key";
    private readonly List<(byte[] Hash, string Name, string[] Roles)> _keys = [];

    public ApiKeyStore(IOptions<AdminOptions> options, IConfiguration configuration, ILogger<ApiKeyStore> logger)
    {
        var o = options.Value;
        for (var i = 0; i < o.ApiKeys.Count; i++)
        {
            var entry = o.ApiKeys[i];
            var where = $"{AdminOptions.Section}:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(entry.Name)) throw new OptionsValidationException(where, typeof(AdminOptions), [$"{where}:Name is required"]);
            byte[] hash;
            if (!string.IsNullOrEmpty(entry.Key)) hash = Hash(entry.Key);
            else if (entry.Sha256 is { Length: 64 } hex) hash = Convert.FromHexString(hex);
            else throw new OptionsValidationException(where, typeof(AdminOptions), [$"{where}: set Key or Sha256 (64 hex digits)"]);
            foreach (var role in entry.Roles)
            {
                if (!AdminRoles.All.Contains(role))
                {
                    throw new OptionsValidationException(where, typeof(AdminOptions),
                        [$"{where}:Roles: unknown role '{role}' (known: {string.Join(", ", AdminRoles.All)})"]);
                }
            }
            _keys.Add((hash, entry.Name, entry.Roles));
        }
        if (!string.IsNullOrEmpty(o.BootstrapApiKey))
        {
            _keys.Add((Hash(o.BootstrapApiKey), "bootstrap", [AdminRoles.Admin]));
        }
        if (_keys.Count == 0)
        {
            var dataDir = configuration["Gateway:DataDir"] ?? "./data";
            var path = Path.GetFullPath(Path.Combine(dataDir, GeneratedKeyFileName));
            string key;
            if (File.Exists(path))
            {
                key = File.ReadAllText(path).Trim();
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using (var stream = new FileStream(path, fileOptions))
                {
                    stream.Write(Encoding.UTF8.GetBytes(key + "\n"));
                }
                logger.LogWarning("No admin API key configured ({Section}:BootstrapApiKey or {Section}:ApiKeys): generated one into {Path}",
                    AdminOptions.Section, AdminOptions.Section, path);
            }
            logger.LogInformation("Admin API key (role admin) is in {Path}", path);
            _keys.Add((Hash(key), "bootstrap", [AdminRoles.Admin]));
        }
    }

    /// <summary>Finds the key's owner; every configured key is compared, in constant time, whatever matches.</summary>
    public bool TryAuthenticate(string presented, out string name, out string[] roles)
    {
        var hash = Hash(presented);
        name = "";
        roles = [];
        var found = false;
        foreach (var (keyHash, keyName, keyRoles) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash) && !found)
            {
                found = true;
                name = keyName;
                roles = keyRoles;
            }
        }
        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
