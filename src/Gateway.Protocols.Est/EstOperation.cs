namespace Gateway.Protocols.Est;

internal enum EstOperation
{
    SimpleEnroll,
    SimpleReenroll,
    ServerKeyGen,
}
