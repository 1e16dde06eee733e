namespace Canaria.EndToEnd.Tests;
