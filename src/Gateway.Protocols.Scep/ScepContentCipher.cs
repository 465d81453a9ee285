using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;
using Gateway.Pkix;

namespace Gateway.Protocols.Scep;

/// <summary>
/// A CMS content-encryption algorithm a SCEP message may use: AES-128/192/256-CBC and 3DES-CBC always, single DES-CBC
/// only when <see cref="ScepOptions.AllowSingleDes"/> says so (legacy clients such as micromdm's scepclient 2.1 send it).
/// AES and 3DES run on System.Security.Cryptography; single DES on BouncyCastle's engine, since OpenSSL 3 keeps DES in
/// its legacy provider.
/// </summary>
internal sealed record ScepContentCipher(string Oid, string Name, int KeySize, int BlockSize)
{
    public static readonly ScepContentCipher Aes128 = new(Oids.Aes128Cbc, "AES-128-CBC", 16, 16);
    public static readonly ScepContentCipher Aes192 = new(Oids.Aes192Cbc, "AES-192-CBC", 24, 16);
    public static readonly ScepContentCipher Aes256 = new(Oids.Aes256Cbc, "AES-256-CBC", 32, 16);
    public static readonly ScepContentCipher TripleDes = new(Oids.DesEde3Cbc, "3DES-CBC", 24, 8);
    public static readonly ScepContentCipher Des = new(Oids.DesCbc, "DES-CBC", 8, 8);

    public static ScepContentCipher? ForOid(string oid) => oid switch
    {
        Oids.Aes128Cbc => Aes128,
        Oids.Aes192Cbc => Aes192,
        Oids.Aes256Cbc => Aes256,
        Oids.DesEde3Cbc => TripleDes,
        Oids.DesCbc => Des,
        _ => null,
    };

    public bool IsSingleDes => Oid == Oids.DesCbc;

    /// <summary>Decrypts CBC with PKCS#7 padding; throws <see cref="CryptographicException"/> on a wrong key or padding.</summary>
    public byte[] Decrypt(byte[] key, byte[] iv, byte[] ciphertext)
    {
        Check(key, iv);
        if (ciphertext.Length == 0 || ciphertext.Length % BlockSize != 0)
            throw new CryptographicException($"{Name} content is not a whole number of blocks.");
        if (IsSingleDes) return RunDes(forEncryption: false, key, iv, ciphertext);
        using var algorithm = Create();
        algorithm.Key = key;
        return algorithm.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
    }

    public byte[] Encrypt(byte[] key, byte[] iv, byte[] plaintext)
    {
        Check(key, iv);
        if (IsSingleDes) return RunDes(forEncryption: true, key, iv, plaintext);
        using var algorithm = Create();
        algorithm.Key = key;
        return algorithm.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    /// <summary>A fresh random key; 3DES and DES keys get odd parity as their specifications ask.</summary>
    public byte[] NewKey()
    {
        var key = RandomNumberGenerator.GetBytes(KeySize);
        if (BlockSize == 8) DesParameters.SetOddParity(key);
        return key;
    }

    public byte[] NewIv() => RandomNumberGenerator.GetBytes(BlockSize);

    private void Check(byte[] key, byte[] iv)
    {
        if (key.Length != KeySize) throw new CryptographicException($"{Name} needs a {KeySize}-byte key, the envelope carried {key.Length} bytes.");
        if (iv.Length != BlockSize) throw new CryptographicException($"{Name} needs a {BlockSize}-byte IV, the envelope carried {iv.Length} bytes.");
    }

    private SymmetricAlgorithm Create() => BlockSize == 16 ? Aes.Create() : System.Security.Cryptography.TripleDES.Create();

    private static byte[] RunDes(bool forEncryption, byte[] key, byte[] iv, byte[] input)
    {
        var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new DesEngine()), new Pkcs7Padding());
        cipher.Init(forEncryption, new ParametersWithIV(new KeyParameter(key), iv));
        try
        {
            return cipher.DoFinal(input);
        }
        catch (Org.BouncyCastle.Crypto.InvalidCipherTextException ex)
        {
            throw new CryptographicException("DES-CBC content does not decrypt: " + ex.Message, ex);
        }
    }
}
