using System.Formats.Asn1;
using Gateway.Pkix.Csr;

namespace Gateway.Pkix.Tests;

/// <summary>Random mutations of good requests: each must parse or be refused with <see cref="CsrFormatException"/>, nothing else.</summary>
public sealed class Pkcs10RequestFuzzTests
{
    private const int Seed = 20_251_123;
    private const int Iterations = 2_000;

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x30, 0x31, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xA0, 0xFF];

    [Fact]
    public void Parse_2000RandomMutationsOfGoodRequests_parseOrThrowCsrFormatException()
    {
        byte[][] originals =
        [
            TestCsrs.ReadTestdata("csr-p256-dns.der"),
            TestCsrs.ReadTestdata("csr-p256-all-sans.der"),
            TestCsrs.ReadTestdata("csr-challenge-password.der"),
            TestCsrs.ReadTestdata("csr-rsa2048-pss.der"),
        ];
        var random = new Random(Seed);
        var rejected = 0;

        for (var i = 0; i < Iterations; i++)
        {
            var original = originals[i % originals.Length];
            var mutated = Mutate(original, random);
            try
            {
                var csr = Pkcs10Request.Parse(mutated);
                if (csr.VerifySignature())
                {
                    // Only the unsigned envelope may differ (e.g. absent instead of NULL hash parameters); never the signed part.
                    Assert.True(
                        SignedPart(mutated).SequenceEqual(SignedPart(original)),
                        $"mutation {i} changed the signed part but still verifies: {Convert.ToHexString(mutated)}");
                }
            }
            catch (CsrFormatException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutation {i} threw {ex.GetType().Name}: {ex.Message}\n{Convert.ToHexString(mutated)}");
            }
        }

        Assert.InRange(rejected, Iterations / 2, Iterations);
    }

    private static ReadOnlySpan<byte> SignedPart(byte[] der) =>
        new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().Span;

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        var rounds = random.Next(4) == 0 ? random.Next(2, 5) : 1;
        for (var r = 0; r < rounds && data.Count > 0; r++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0: // flip one bit
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte
                    data[at] = (byte)random.Next(256);
                    break;
                case 2: // byte that often means something in DER (tags, long-form lengths)
                    data[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                    break;
                case 3: // delete a run
                    data.RemoveRange(at, Math.Min(random.Next(1, 17), data.Count - at));
                    break;
                case 4: // insert random bytes
                    var insert = new byte[random.Next(1, 17)];
                    random.NextBytes(insert);
                    data.InsertRange(at, insert);
                    break;
                case 5: // truncate
                    data.RemoveRange(at, data.Count - at);
                    break;
                default: // duplicate a slice elsewhere
                    var length = Math.Min(random.Next(1, 33), data.Count - at);
                    var slice = data.GetRange(at, length);
                    data.InsertRange(random.Next(data.Count + 1), slice);
                    break;
            }
        }

        return [.. data];
    }
}
