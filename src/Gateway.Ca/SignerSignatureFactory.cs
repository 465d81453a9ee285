using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace Gateway.Ca;

/// <summary>
/// Lets BouncyCastle builders (the CRL generator) sign through an <see cref="ISigner"/>: BouncyCastle writes the
/// structure, System.Security.Cryptography (or an HSM behind the signer) makes the signature.
/// </summary>
internal sealed class SignerSignatureFactory(ISigner signer) : ISignatureFactory
{
    public object AlgorithmDetails { get; } = AlgorithmIdentifier.GetInstance(signer.SignatureAlgorithmIdentifier);

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(signer);

    private sealed class Calculator(ISigner signer) : IStreamCalculator<IBlockResult>
    {
        private readonly MemoryStream _buffer = new();

        public Stream Stream => _buffer;

        /// <remarks>BouncyCastle disposes <see cref="Stream"/> before asking for the result; ToArray still works then.</remarks>
        public IBlockResult GetResult() => new Result(signer.Sign(_buffer.ToArray()));
    }

    private sealed class Result(byte[] signature) : IBlockResult
    {
        public byte[] Collect() => (byte[])signature.Clone();

        public int Collect(byte[] buf, int off)
        {
            signature.CopyTo(buf, off);
            return signature.Length;
        }

        public int Collect(Span<byte> output)
        {
            signature.CopyTo(output);
            return signature.Length;
        }

        public int GetMaxResultLength() => signature.Length;
    }
}
