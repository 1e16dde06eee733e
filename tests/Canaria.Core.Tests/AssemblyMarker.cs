namespace Canaria.Core.Tests;
