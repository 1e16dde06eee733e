namespace Canaria.Kubernetes.Client;

/// <summary>The credentials for a request could not be had (a failing exec plugin, an unreadable token file); the client turns it into a result.</summary>
internal sealed class CredentialException(string message, Exception inner) : Exception(message, inner);
