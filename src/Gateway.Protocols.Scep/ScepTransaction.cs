using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Protocols.Scep;

/// <summary>
/// What a CertRep answering a message must echo: its transactionID, its senderNonce (as recipientNonce), the
/// certificate that signed it (the answer is encrypted to it) and its digest algorithm (the answer uses it too).
/// </summary>
internal sealed record ScepTransaction(string TransactionId, byte[] SenderNonce, X509Certificate2 Signer, HashAlgorithmName Digest);
