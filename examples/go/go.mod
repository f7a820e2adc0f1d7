module chatvault.example/helpdesk

go 1.19
