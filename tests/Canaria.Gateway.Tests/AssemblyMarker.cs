namespace Canaria.Gateway.Tests;
