namespace Gateway.Policy.Rules;

/// <summary>One <c>subject.bindCommonName</c> entry: the value as written (<c>{clientCert.cn}</c>) and its parsed parts.</summary>
internal sealed record CommonNameBinding(string Text, SubjectTemplate.Part[] Parts);
