# ruff: noqa: E501
"""The invented envelope examples of exchange-messages.md B.7, byte for byte (LF line ends).

B.7.1: a VANS envelope around a 968-byte ISO-8859-1 XCTL02 with a declaration. B.7.2: the same
receipt without its declaration (924 bytes), in a VANS envelope with letter-number ids, in an
SBDH document labelled ``application/fhir+xml``. The spec gives the SHA-256 of each payload.
"""

from __future__ import annotations

__all__ = ["B71", "B71_PAYLOAD_SHA256", "B72", "B72_PAYLOAD_SHA256", "B72_VANS_SHA256"]

B71_PAYLOAD_SHA256 = "bed2d1ec89798a0ef6433188a1fe5aa01ff795eaa8d2ca1ac19e6053d99628ca"
B72_PAYLOAD_SHA256 = "476216504e1668caafda29b44a2379351ae7358e830d4cf573d38a6069bd42c8"
B72_VANS_SHA256 = "6f74a8e682ed99092f2426c7cb99aff30a53f2be77f16ada1fc225db03523309"

B71 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<VANSEnvelope xmlns="urn:oio:medcom:vans-envelope:1.0.4">\n'
    '  <SenderID EndPointType="EAN">5799999000027</SenderID>\n'
    '  <ReceiverID EndPointType="EAN">5799999000010</ReceiverID>\n'
    "  <EnvelopeIdentifier>3f2c9a4e-6b1d-4c8e-9f00-2a7d5e1b0c11</EnvelopeIdentifier>\n"
    "  <SentDateTime>2024-03-08T11:20:05+01:00</SentDateTime>\n"
    "  <Message>\n"
    "    <MetaInformation>\n"
    "      <Identifier>8d1e7b20-41a5-4f3c-b6d2-9c0e4a7f1e22</Identifier>\n"
    "      <Document>\n"
    "        <Format>XML</Format>\n"
    "        <Name>XCTL02</Name>\n"
    "        <Version>XC0230Q</Version>\n"
    "        <SizeInBytes>968</SizeInBytes>\n"
    "      </Document>\n"
    "      <Transport>\n"
    "        <Type>reliable</Type>\n"
    "        <TransformMessage>false</TransformMessage>\n"
    "      </Transport>\n"
    "    </MetaInformation>\n"
    "    <Data>PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0iSVNPLTg4NTktMSI/Pgo8RW1lc3NhZ2UgeG1s\n"
    "bnM9Imh0dHA6Ly9yZXAub2lvLmRrL3N1bmRjb20uZGsvbWVkY29tLmRrL3htbC9zY2hlbWFzLzIw\n"
    "MDUvMDgvMDcvIj48RW52ZWxvcGU+PFNlbnQ+PERhdGU+MjAyNC0wMy0wODwvRGF0ZT48VGltZT4x\n"
    "MToyMDwvVGltZT48L1NlbnQ+PElkZW50aWZpZXI+S1ZUMDAwMDA1MzwvSWRlbnRpZmllcj48QWNr\n"
    "bm93bGVkZ2VtZW50Q29kZT5taW51c3Bvc2l0aXZrdml0dDwvQWNrbm93bGVkZ2VtZW50Q29kZT48\n"
    "L0VudmVsb3BlPjxOZWdhdGl2ZVJlY2VpcHQ+PExldHRlcj48SWRlbnRpZmllcj5LVkIwMDAwMDUz\n"
    "PC9JZGVudGlmaWVyPjxWZXJzaW9uQ29kZT5YQzAyMzBRPC9WZXJzaW9uQ29kZT48U3RhdGlzdGlj\n"
    "YWxDb2RlPlhDVEwwMjwvU3RhdGlzdGljYWxDb2RlPjwvTGV0dGVyPjxTZW5kZXI+PEVBTklkZW50\n"
    "aWZpZXI+NTc5OTk5OTAwMDAyNzwvRUFOSWRlbnRpZmllcj48L1NlbmRlcj48UmVjZWl2ZXI+PEVB\n"
    "TklkZW50aWZpZXI+NTc5OTk5OTAwMDAxMDwvRUFOSWRlbnRpZmllcj48L1JlY2VpdmVyPjxPcmln\n"
    "aW5hbEVtZXNzYWdlPjxPcmlnaW5hbEVudmVsb3BlSWRlbnRpZmllcj5FTlYwMDAwMDQ2PC9Pcmln\n"
    "aW5hbEVudmVsb3BlSWRlbnRpZmllcj48T3JpZ2luYWxTZW5kZXI+PEVBTklkZW50aWZpZXI+NTc5\n"
    "OTk5OTAwMDAxMDwvRUFOSWRlbnRpZmllcj48L09yaWdpbmFsU2VuZGVyPjxPcmlnaW5hbFJlY2Vp\n"
    "dmVyPjxFQU5JZGVudGlmaWVyPjU3OTk5OTkwMDAwMjc8L0VBTklkZW50aWZpZXI+PC9PcmlnaW5h\n"
    "bFJlY2VpdmVyPjxSZWZ1c2VDb2RlPnByb2JsZW1fbWVkX21vZHRhZ2VySUQ8L1JlZnVzZUNvZGU+\n"
    "PFJlZnVzZVRleHQ+VWtlbmR0IHlkZXJudW1tZXIgcOUgbW9kdGFnZXJlbi48QnJlYWsvPjwvUmVm\n"
    "dXNlVGV4dD48L09yaWdpbmFsRW1lc3NhZ2U+PC9OZWdhdGl2ZVJlY2VpcHQ+PC9FbWVzc2FnZT4=</Data>\n"
    "  </Message>\n"
    "</VANSEnvelope>\n"
).encode("ascii")

B72 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">\n'
    "  <StandardBusinessDocumentHeader>\n"
    "    <HeaderVersion>1.0</HeaderVersion>\n"
    '    <Sender><Identifier Authority="iso6523-actorid-upis">0088:5799999000027</Identifier></Sender>\n'
    '    <Receiver><Identifier Authority="iso6523-actorid-upis">0088:5799999000010</Identifier></Receiver>\n'
    "    <DocumentIdentification>\n"
    "      <Standard>urn:dk:healthcare:medcom:oioxml:schema:xsd:NegativeReceipt</Standard>\n"
    "      <TypeVersion>XC0230Q</TypeVersion>\n"
    "      <InstanceIdentifier>5799999000027:KVB0000053</InstanceIdentifier>\n"
    "      <Type>XCTL02</Type>\n"
    "      <MultipleType>false</MultipleType>\n"
    "      <CreationDateAndTime>2024-03-08T11:20:05</CreationDateAndTime>\n"
    "    </DocumentIdentification>\n"
    "    <BusinessScope>\n"
    "      <Scope><Type>DOCUMENTID</Type><InstanceIdentifier>urn:dk:healthcare:medcom:oioxml:schema:xsd:NegativeReceipt##urn:dk:healthcare:medcom:messaging:oioxml:schema:xsd:NegativeReceipt/XCTL02::NegativeReceipt/XC0230Q</InstanceIdentifier><Identifier>urn:dk:healthcare:medcom:messaging:oioxml</Identifier></Scope>\n"
    "      <Scope><Type>PROCESSID</Type><InstanceIdentifier>urn:www.digst.dk:profile:sdn-emergence</InstanceIdentifier><Identifier>dk-messaging-procid</Identifier></Scope>\n"
    "      <Scope><Type>STATISTICALCODE</Type><InstanceIdentifier>XCTL02</InstanceIdentifier><Identifier>dk-medcom-messaging</Identifier></Scope>\n"
    "      <Scope><Type>MESSAGEIDENTIFIER</Type><InstanceIdentifier>5799999000027:KVB0000053</InstanceIdentifier><Identifier>dk-medcom-messaging</Identifier></Scope>\n"
    "    </BusinessScope>\n"
    "  </StandardBusinessDocumentHeader>\n"
    '  <BinaryContent mimeType="application/fhir+xml" encoding="UTF-8">PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0iVVRGLTgiPz4KPFZBTlNFbnZlbG9wZSB4bWxu\n'
    "cz0idXJuOm9pbzptZWRjb206dmFucy1lbnZlbG9wZToxLjAuNCI+CjxTZW5kZXJJRCBFbmRQb2lu\n"
    "dFR5cGU9IkVBTiI+NTc5OTk5OTAwMDAyNzwvU2VuZGVySUQ+CjxSZWNlaXZlcklEIEVuZFBvaW50\n"
    "VHlwZT0iRUFOIj41Nzk5OTk5MDAwMDEwPC9SZWNlaXZlcklEPgo8RW52ZWxvcGVJZGVudGlmaWVy\n"
    "PktWVDAwMDAwNTM8L0VudmVsb3BlSWRlbnRpZmllcj4KPFNlbnREYXRlVGltZT4yMDI0LTAzLTA4\n"
    "VDExOjIwOjA1PC9TZW50RGF0ZVRpbWU+CjxNZXNzYWdlPjxNZXRhSW5mb3JtYXRpb24+PElkZW50\n"
    "aWZpZXI+S1ZUMDAwMDA1MzwvSWRlbnRpZmllcj4KPERvY3VtZW50PjxGb3JtYXQ+WE1MPC9Gb3Jt\n"
    "YXQ+PE5hbWU+WENUTDAyPC9OYW1lPjxWZXJzaW9uPlhDMDIzMFE8L1ZlcnNpb24+PFNpemVJbkJ5\n"
    "dGVzPjkyNDwvU2l6ZUluQnl0ZXM+PC9Eb2N1bWVudD4KPC9NZXRhSW5mb3JtYXRpb24+CjxEYXRh\n"
    "PlBFVnRaWE56WVdkbElIaHRiRzV6UFNKb2RIUndPaTh2Y21Wd0xtOXBieTVrYXk5emRXNWtZMjl0\n"
    "TG1SckwyMWxaR052YlM1a2F5OTRiV3d2YzJOb1pXMWhjeTh5TURBMUx6QTRMekEzTHlJK1BFVnVk\n"
    "bVZzYjNCbFBqeFRaVzUwUGp4RVlYUmxQakl3TWpRdE1ETXRNRGc4TDBSaGRHVStQRlJwYldVK01U\n"
    "RTZNakE4TDFScGJXVStQQzlUWlc1MFBqeEpaR1Z1ZEdsbWFXVnlQa3RXVkRBd01EQXdOVE04TDBs\n"
    "a1pXNTBhV1pwWlhJK1BFRmphMjV2ZDJ4bFpHZGxiV1Z1ZEVOdlpHVStiV2x1ZFhOd2IzTnBkR2wy\n"
    "YTNacGRIUThMMEZqYTI1dmQyeGxaR2RsYldWdWRFTnZaR1UrUEM5RmJuWmxiRzl3WlQ0OFRtVm5Z\n"
    "WFJwZG1WU1pXTmxhWEIwUGp4TVpYUjBaWEkrUEVsa1pXNTBhV1pwWlhJK1MxWkNNREF3TURBMU16\n"
    "d3ZTV1JsYm5ScFptbGxjajQ4Vm1WeWMybHZia052WkdVK1dFTXdNak13VVR3dlZtVnljMmx2YmtO\n"
    "dlpHVStQRk4wWVhScGMzUnBZMkZzUTI5a1pUNVlRMVJNTURJOEwxTjBZWFJwYzNScFkyRnNRMjlr\n"
    "WlQ0OEwweGxkSFJsY2o0OFUyVnVaR1Z5UGp4RlFVNUpaR1Z1ZEdsbWFXVnlQalUzT1RrNU9Ua3dN\n"
    "REF3TWpjOEwwVkJUa2xrWlc1MGFXWnBaWEkrUEM5VFpXNWtaWEkrUEZKbFkyVnBkbVZ5UGp4RlFV\n"
    "NUpaR1Z1ZEdsbWFXVnlQalUzT1RrNU9Ua3dNREF3TVRBOEwwVkJUa2xrWlc1MGFXWnBaWEkrUEM5\n"
    "U1pXTmxhWFpsY2o0OFQzSnBaMmx1WVd4RmJXVnpjMkZuWlQ0OFQzSnBaMmx1WVd4RmJuWmxiRzl3\n"
    "WlVsa1pXNTBhV1pwWlhJK1JVNVdNREF3TURBME5qd3ZUM0pwWjJsdVlXeEZiblpsYkc5d1pVbGta\n"
    "VzUwYVdacFpYSStQRTl5YVdkcGJtRnNVMlZ1WkdWeVBqeEZRVTVKWkdWdWRHbG1hV1Z5UGpVM09U\n"
    "azVPVGt3TURBd01UQThMMFZCVGtsa1pXNTBhV1pwWlhJK1BDOVBjbWxuYVc1aGJGTmxibVJsY2o0\n"
    "OFQzSnBaMmx1WVd4U1pXTmxhWFpsY2o0OFJVRk9TV1JsYm5ScFptbGxjajQxTnprNU9UazVNREF3\n"
    "TURJM1BDOUZRVTVKWkdWdWRHbG1hV1Z5UGp3dlQzSnBaMmx1WVd4U1pXTmxhWFpsY2o0OFVtVm1k\n"
    "WE5sUTI5a1pUNXdjbTlpYkdWdFgyMWxaRjl0YjJSMFlXZGxja2xFUEM5U1pXWjFjMlZEYjJSbFBq\n"
    "eFNaV1oxYzJWVVpYaDBQbFZyWlc1a2RDQjVaR1Z5Ym5WdGJXVnlJSERsSUcxdlpIUmhaMlZ5Wlc0\n"
    "dVBFSnlaV0ZyTHo0OEwxSmxablZ6WlZSbGVIUStQQzlQY21sbmFXNWhiRVZ0WlhOellXZGxQand2\n"
    "VG1WbllYUnBkbVZTWldObGFYQjBQand2UlcxbGMzTmhaMlUrPC9EYXRhPjwvTWVzc2FnZT4KPC9W\n"
    "QU5TRW52ZWxvcGU+Cg==</BinaryContent>\n"
    "</StandardBusinessDocument>\n"
).encode("ascii")
