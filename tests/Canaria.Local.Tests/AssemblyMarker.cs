namespace Canaria.Local.Tests;
